package dev.meshwire.peer.ipc.api;

/**
 * {@code POST /v1/invite}.
 *
 * @param uses        1..1000, default 1
 * @param expiresInMs 60000..2592000000 (1 min..30 days), default 86400000
 */
public record InviteRequest(String mesh, Integer uses, Long expiresInMs) {}
