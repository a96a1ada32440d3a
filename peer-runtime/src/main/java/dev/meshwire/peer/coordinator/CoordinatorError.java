package dev.meshwire.peer.coordinator;

/** The coordinator answered a request with an {@code error} frame; {@code code} is an ErrorCode value. */
public class CoordinatorError extends RuntimeException {
    private final String code;

    public CoordinatorError(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
