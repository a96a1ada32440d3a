package dev.meshwire.peer.ipc.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One banned key of a mesh, from the verified mesh state ({@code GET /v1/bans}).
 *
 * @param name        the display name it had (null if the state never named it)
 * @param pubkey      the banned key
 * @param bannedAt    epoch ms of the ban event (null if the state does not record it)
 * @param bannedAtIso the same as ISO 8601
 * @param by          the key that banned it
 * @param byName      that key's display name, if known
 * @param reason      the reason given, if any
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BanItem(String name, String pubkey, Long bannedAt, String bannedAtIso, String by, String byName, String reason) {}
