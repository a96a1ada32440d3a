package dev.meshwire.coordinator.store;

/** A ban: the key is refused at every hello and join of the mesh until unbanned. {@code name} may be null. */
public record BanRecord(String meshId, String pubkey, String name, long bannedAt, String bannedBy) {}
