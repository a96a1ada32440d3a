package dev.meshwire.peer.ipc.api;

/** {@code POST /v1/invite}. */
public record InviteReply(String mesh, String invite, long expiresAt, int maxUses) {}
