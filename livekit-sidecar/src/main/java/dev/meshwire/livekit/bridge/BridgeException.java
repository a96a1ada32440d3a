package dev.meshwire.livekit.bridge;

/** A bridge failure for users: one line. */
public final class BridgeException extends RuntimeException {
    public BridgeException(String message) {
        super(message);
    }
}
