package dev.meshwire.peer.coordinator;

import dev.meshwire.signaling.frame.Frames;

/** Callbacks from a {@link CoordinatorLink}. They run on the link's event loop: never block in them. */
public interface LinkListener {
    void onDeliver(CoordinatorLink link, Frames.Deliver deliver);

    default void onPeerJoined(CoordinatorLink link, Frames.PeerInfo peer) {}

    default void onPeerLeft(CoordinatorLink link, Frames.PeerLeft left) {}

    /** A p2p signaling frame forwarded by the coordinator ({@code mesh} and {@code from} set by it). */
    default void onP2pSignal(CoordinatorLink link, Frames.P2pSignal signal) {}

    default void onState(CoordinatorLink link, LinkState state, String detail) {}
}
