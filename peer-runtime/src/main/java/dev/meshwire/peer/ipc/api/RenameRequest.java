package dev.meshwire.peer.ipc.api;

/** {@code POST /v1/rename}: your display name in a mesh. */
public record RenameRequest(String mesh, String name) {}
