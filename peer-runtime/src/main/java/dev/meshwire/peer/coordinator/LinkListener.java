package dev.meshwire.peer.coordinator;

import dev.meshwire.signaling.frame.Frames;
import dev.meshwire.signaling.meshstate.StateRef;

/** Callbacks from a {@link CoordinatorLink}. They run on the link's event loop: never block in them. */
public interface LinkListener {
    void onDeliver(CoordinatorLink link, Frames.Deliver deliver);

    /** What {@code hello} says the mesh-state replica holds (null: nothing). Called on the event loop. */
    default StateRef helloState() { return null; }

    /** Authenticated: called before the link reports CONNECTED and before any later frame. */
    default void onHelloAck(CoordinatorLink link, Frames.HelloAck ack) {}

    /** Mesh state to apply ({@code mesh_sync} after hello_ack or as a state_sync answer). */
    default void onMeshSync(CoordinatorLink link, Frames.MeshSync sync) {}

    /** A {@code state_sync} was answered with {@code error state_unavailable}. */
    default void onStateSyncFailed(CoordinatorLink link, String message) {}

    /** One new mesh-state event pushed by the coordinator ({@code system}). */
    default void onSystemEvent(CoordinatorLink link, Frames.SystemEvent event) {}

    default void onPeerJoined(CoordinatorLink link, Frames.PeerInfo peer) {}

    default void onPeerLeft(CoordinatorLink link, Frames.PeerLeft left) {}

    /** A {@code peers} answer (presence of every online member). */
    default void onPeers(CoordinatorLink link, Frames.Peers peers) {}

    /** A service's current sub-peer set (docs/protocol.md §6.5), on the link's event loop. */
    default void onSubpeers(CoordinatorLink link, Frames.Subpeers subpeers) {}

    /** A p2p signaling frame forwarded by the coordinator ({@code mesh} and {@code from} set by it). */
    default void onP2pSignal(CoordinatorLink link, Frames.P2pSignal signal) {}

    /** The coordinator's {@code receipt}: a recipient acknowledged one of our relayed messages. */
    default void onReceipt(CoordinatorLink link, Frames.Receipt receipt) {}

    default void onState(CoordinatorLink link, LinkState state, String detail) {}
}
