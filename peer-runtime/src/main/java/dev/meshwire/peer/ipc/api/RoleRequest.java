package dev.meshwire.peer.ipc.api;

/** {@code POST /v1/role}: {@code role} is admin or member. */
public record RoleRequest(String mesh, String peer, String role) {}
