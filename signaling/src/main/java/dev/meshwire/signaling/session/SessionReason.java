package dev.meshwire.signaling.session;

/**
 * Why an attestation or a session hello was refused: the seed's reasons, which are also the {@code code}
 * of the coordinator's {@code error} frame (docs/protocol.md §5 "session_hello"). Stable: clients switch on them.
 */
public enum SessionReason {
    /** The attestation's {@code expiresAt} is not after now. */
    EXPIRED("expired"),
    /** The attestation's {@code expiresAt} is later than now + 24 h + the clock allowance. */
    TTL_TOO_LONG("ttl_too_long"),
    /** A signature does not verify (wrong signer, altered field, another mesh or session key). */
    BAD_SIGNATURE("bad_signature"),
    /** A field has the wrong form (not lowercase hex of the right length, caps not canonical, ...). */
    MALFORMED("malformed"),
    /** The session hello's timestamp is more than 60 s away from the coordinator's clock. */
    TIMESTAMP_SKEW("timestamp_skew");

    private final String wire;

    SessionReason(String wire) {
        this.wire = wire;
    }

    /** The reason as it appears on the wire. */
    public String wire() {
        return wire;
    }
}
