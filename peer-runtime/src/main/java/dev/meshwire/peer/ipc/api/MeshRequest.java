package dev.meshwire.peer.ipc.api;

/** A request that names at most a mesh: {@code POST /v1/reconnect}. */
public record MeshRequest(String mesh) {}
