package dev.meshwire.peer.ipc.api;

/** {@code POST /v1/expire}: {@code expiresAt} epoch ms, or {@code never} true to clear the expiry. */
public record ExpireRequest(String mesh, String peer, Long expiresAt, Boolean never) {}
