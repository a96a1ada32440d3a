package dev.meshwire.peer.ipc.api;

/** {@code POST /v1/meshes}: create a mesh on a coordinator and join it as its owner. */
public record CreateMeshRequest(String name, String coordinator, String displayName, String adminToken) {}
