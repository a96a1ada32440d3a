package dev.meshwire.signaling.frame;

/** A frame that cannot be accepted; {@code code} is an {@link ErrorCode} value. */
public class ProtocolException extends RuntimeException {
    private final String code;

    public ProtocolException(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
