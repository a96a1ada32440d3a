package dev.meshwire.peer.ipc.api;

/** {@code POST /v1/revoke}. */
public record RevokeRequest(String mesh, String peer, String reason) {}
