package dev.meshwire.coordinator.presence;

import dev.meshwire.signaling.frame.Frame;
import dev.meshwire.signaling.frame.Frames;
import dev.meshwire.signaling.meshstate.MeshEvent;

/** What presence needs from an authenticated session (implemented by the WebSocket session). */
public interface PeerConnection {
    String meshId();

    /** The key this connection is present as: a member's key, or a session's key. */
    String pubkey();

    /** For a session's or service's connection, the member key it acts for; null for a member's own connection. */
    default String parent() {
        return null;
    }

    /**
     * Epoch ms after which this connection's presence may not be held after a loss (a session's or service's
     * attestation expiry); {@link Long#MAX_VALUE}: no bound. See {@link PresenceRegistry#drop}.
     */
    default long presenceNotAfter() {
        return Long.MAX_VALUE;
    }

    /** This peer as others see it while it is online. */
    Frames.PeerInfo peerInfo();

    void send(Frame frame);

    /**
     * Closes the connection with a WebSocket close code. {@code peerLeftReason} is what others are
     * told in {@code peer_left}; null means "do not announce" (used when a newer connection replaces this one).
     */
    void disconnect(short code, String closeReason, String peerLeftReason);

    /** A mesh event was committed and sent to this connection; it may be about this member (role, name, expiry). */
    default void meshEventApplied(MeshEvent event) {}
}
