package dev.meshwire.coordinator.authority;

/** Body of {@code POST /v1/meshes}. The signature is the owner's over {@code Canonical.meshCreate}. */
public record CreateMeshRequest(String name, String ownerPubkey, String ownerName, Long createdAt, String signature) {}
