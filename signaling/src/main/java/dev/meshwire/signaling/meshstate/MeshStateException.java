package dev.meshwire.signaling.meshstate;

/**
 * An event or snapshot that must not be applied. The {@link Reason} says why in a stable,
 * machine-readable way; the message is one line for logs. A replica that gets one keeps its current
 * state and resynchronises.
 */
public final class MeshStateException extends RuntimeException {
    /** Why an event or a snapshot was refused. */
    public enum Reason {
        /** The Ed25519 signature does not verify under the pinned mesh authority key. */
        BAD_SIGNATURE,
        /** The version is not the next one: events are missing in between. */
        VERSION_GAP,
        /** The version is one the replica already holds (an old event replayed). */
        REPLAY,
        /** The event or snapshot belongs to another mesh. */
        WRONG_MESH,
        /** {@code prev} is not the hash of the replica's newest event: a rewritten or forked history. */
        CHAIN_BROKEN,
        /** A snapshot whose head event does not hash to its {@code head}, or that is older than the replica. */
        WRONG_HEAD,
        /** A change of authority key that no signed rotation event announced. */
        UNKNOWN_AUTHORITY,
        /** Fields missing or of the wrong shape. */
        MALFORMED
    }

    private final Reason reason;

    public MeshStateException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /** Lowercase name for logs, metrics and the wire. */
    public String code() {
        return reason.name().toLowerCase(java.util.Locale.ROOT);
    }
}
