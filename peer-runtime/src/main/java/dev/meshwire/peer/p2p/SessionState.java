package dev.meshwire.peer.p2p;

/**
 * The life of one direct session with one peer. CONNECTING → OPEN → CLOSED, or CONNECTING → FAILED.
 * CLOSED and FAILED are terminal: a new handshake makes a new session with a new session id.
 */
public enum SessionState {
    /** Signaling and ICE are running; nothing can be sent yet (callers use the relay). */
    CONNECTING,
    /** The data channel is open; {@link P2pEngine#send} accepts messages. */
    OPEN,
    /** Ended on purpose (local or remote close, idle timeout, lifetime, replaced by a new offer) or after it had been open. */
    CLOSED,
    /** Never opened: ICE failed, the connect timeout passed, or the handshake broke. Starts the retry backoff. */
    FAILED;

    public boolean terminal() {
        return this == CLOSED || this == FAILED;
    }
}
