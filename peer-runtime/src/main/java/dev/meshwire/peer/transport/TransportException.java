package dev.meshwire.peer.transport;

/**
 * A transport could not take an envelope. {@code code} is the coordinator's ErrorCode when it
 * refused (e.g. {@code peer_offline}, {@code unknown_recipient}), or {@code unreachable} /
 * {@code timeout} when the network itself failed. {@code retryable} tells a durable outbox whether
 * trying again later can help.
 */
public class TransportException extends RuntimeException {
    public static final String UNREACHABLE = "unreachable";
    public static final String TIMEOUT = "timeout";

    private final String code;
    private final boolean retryable;

    public TransportException(String code, String message, boolean retryable) {
        super(message);
        this.code = code;
        this.retryable = retryable;
    }

    public String code() { return code; }
    public boolean retryable() { return retryable; }
}
