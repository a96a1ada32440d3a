package dev.meshwire.peer.ipc.api;

/** {@code POST /v1/meshes}: the new mesh, a first single-use invite, and a warning when not connected yet. */
public record CreateMeshReply(MeshInfo mesh, String invite, long inviteExpiresAt, int inviteUses, String warning) {}
