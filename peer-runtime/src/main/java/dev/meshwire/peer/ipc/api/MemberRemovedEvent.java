package dev.meshwire.peer.ipc.api;

/** SSE {@code member_removed}: a key stopped being an active member (banned, revoked, left, expired). */
public record MemberRemovedEvent(String mesh, String name, String pubkey, String status, String reason) implements EventData {}
