package dev.meshwire.coordinator.authority;

import dev.meshwire.signaling.frame.ProtocolException;

/**
 * A refused request: answered with an {@code error} frame carrying {@link #code()}, then, if
 * {@link #closeCode()} is non-zero, the connection is closed with that code and the message as reason.
 */
public final class Refusal extends ProtocolException {
    private final short closeCode;

    public Refusal(String code, String message, short closeCode) {
        super(code, message);
        this.closeCode = closeCode;
    }

    /** A refusal that keeps the session open. */
    public static Refusal of(String code, String message) {
        return new Refusal(code, message, (short) 0);
    }

    public static Refusal closing(String code, String message, short closeCode) {
        return new Refusal(code, message, closeCode);
    }

    public short closeCode() {
        return closeCode;
    }
}
