package dev.meshwire.peer.ipc.api;

/** {@code POST /v1/join} and {@code POST /v1/reconnect}: the mesh after the call. */
public record MeshReply(MeshInfo mesh) {}
