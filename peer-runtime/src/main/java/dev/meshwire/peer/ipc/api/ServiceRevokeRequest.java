package dev.meshwire.peer.ipc.api;

/** {@code POST /v1/services/revoke}: revoke service {@code name} (or its full key) through the mesh-state revocation. */
public record ServiceRevokeRequest(String mesh, String name, String reason) {}
