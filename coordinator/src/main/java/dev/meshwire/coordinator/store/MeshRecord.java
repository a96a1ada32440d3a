package dev.meshwire.coordinator.store;

/** A mesh as stored. {@code name} is unique per coordinator; {@code id} is what peers use on the wire. */
public record MeshRecord(String id, String name, String ownerPubkey, long createdAt) {}
