package dev.meshwire.signaling.service;

/**
 * A service as a mesh state holds it: its attestation and when the coordinator recorded it (epoch ms).
 * Whether it may act now is {@link dev.meshwire.signaling.meshstate.MeshState#serviceStatus}.
 */
public record ServiceEntry(ServiceAttestation attestation, long registeredAt) {
    public static final String ACTIVE = "active";
    public static final String EXPIRED = "expired";
    public static final String REVOKED = "revoked";
    /** Its owner is no longer an active member: the service cannot act either. */
    public static final String OWNER_INACTIVE = "owner_inactive";
}
