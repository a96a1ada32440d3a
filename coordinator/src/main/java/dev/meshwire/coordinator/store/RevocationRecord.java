package dev.meshwire.coordinator.store;

/** A revoked key of a mesh: who revoked it, when and why. Terminal: there is no un-revoke. */
public record RevocationRecord(String meshId, String pubkey, long revokedAt, String revokedBy, String reason) {}
