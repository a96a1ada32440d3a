package dev.meshwire.coordinator;

/**
 * A running coordinator (API contract; the implementation is being written).
 *
 * <p>{@link #start} blocks until the WebSocket/HTTP listener (and STUN, unless disabled) is bound,
 * or throws with a one-line reason (port in use, data directory not writable, database error).
 */
public final class Coordinator implements AutoCloseable {

    public static Coordinator start(CoordinatorConfig config) throws CoordinatorStartException {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** The bound TCP port (useful when the config asked for port 0). */
    public int port() {
        throw new UnsupportedOperationException();
    }

    /** The bound STUN UDP port, or -1 when disabled. */
    public int stunPort() {
        throw new UnsupportedOperationException();
    }

    /** The admin token (read from or generated into {@code <data>/admin-token}, mode 0600). */
    public String adminToken() {
        throw new UnsupportedOperationException();
    }

    /** The URL peers use, e.g. {@code ws://127.0.0.1:7600}; invites carry it. WebSocket path is {@code /ws}. */
    public String publicUrl() {
        throw new UnsupportedOperationException();
    }

    /** Stops listeners, closes peer sessions with 1001 and closes the store. Idempotent. */
    @Override
    public void close() {
        throw new UnsupportedOperationException();
    }
}
