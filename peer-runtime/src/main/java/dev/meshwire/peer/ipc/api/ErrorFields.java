package dev.meshwire.peer.ipc.api;

/**
 * The optional fields a refusal adds to its {@link ErrorDetail} beyond code, message and candidates; carried by
 * {@code PeerException} from where the refusal is decided to the IPC answer.
 */
public record ErrorFields(String field, String fingerprintPrefix, String state, String messageId, String reason, String supersededBy,
                          Long envelopeBytes, Long relayMaxFrameBytes) {
    public static final ErrorFields NONE = new ErrorFields(null, null, null, null, null, null, null, null);

    /** A bad_request about one body field, query or path parameter, or header. */
    public static ErrorFields field(String name) {
        return new ErrorFields(name, null, null, null, null, null, null, null);
    }

    /** An outbox_* conflict: what the stored row with that client message id holds. */
    public static ErrorFields storedRow(String fingerprintPrefix, String state, String messageId, String reason, String supersededBy) {
        return new ErrorFields(null, fingerprintPrefix, state, messageId, reason, supersededBy, null, null);
    }

    /** too_large_for_relay: the envelope's size and the relay's limit. */
    public static ErrorFields relayLimit(long envelopeBytes, long relayMaxFrameBytes) {
        return new ErrorFields(null, null, null, null, null, null, envelopeBytes, relayMaxFrameBytes);
    }
}
