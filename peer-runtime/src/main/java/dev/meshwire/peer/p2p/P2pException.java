package dev.meshwire.peer.p2p;

import dev.meshwire.peer.transport.TransportException;

/**
 * A direct send did not (or may not have) reached the peer. Every code is retryable over the relay;
 * {@link #payload()} is the message when the engine had already taken it (channel closed before
 * the ack), so the caller can resend exactly those bytes.
 */
public final class P2pException extends TransportException {
    /** No open direct channel to this peer right now. Returned at once; nothing waits for ICE. */
    public static final String NO_CHANNEL = "p2p_no_channel";
    /** The native WebRTC library is not available in this process, or the engine is closed. */
    public static final String UNAVAILABLE = "p2p_unavailable";
    /** The channel closed or failed after the message was taken and before it was acked. */
    public static final String CHANNEL_CLOSED = "p2p_channel_closed";
    /**
     * The session's backlog (queued and unacked messages, {@link BacklogLimits}) is full: the peer does not keep
     * up. Returned at once, the message was not taken; the caller sends it via the relay.
     */
    public static final String BACKLOG_FULL = "p2p_backlog_full";
    /** The message is empty or larger than {@link P2pConfig#maxMessageBytes()}. Not retryable. */
    public static final String BAD_MESSAGE = "p2p_bad_message";

    private final transient byte[] payload;

    public P2pException(String code, String message) {
        this(code, message, null);
    }

    public P2pException(String code, String message, byte[] payload) {
        super(code, message, !BAD_MESSAGE.equals(code));
        this.payload = payload;
    }

    /** Returns the message bytes the engine had taken, or null if it never took them. */
    public byte[] payload() {
        return payload;
    }
}
