package dev.meshwire.peer.stream;

import dev.meshwire.peer.coordinator.JoinedMeshes;
import dev.meshwire.peer.coordinator.MeshSession;
import dev.meshwire.peer.events.EventBus;
import dev.meshwire.peer.inbox.Inbox;
import dev.meshwire.peer.p2p.DirectRegistry;
import dev.meshwire.peer.transport.PickTransport;
import dev.meshwire.peer.transport.Transport;
import dev.meshwire.signaling.frame.Frames;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What both sides of a transfer share: the store, the meshes, the transports, where events and inbox entries go.
 *
 * @param pick   the daemon's path choice; control messages go through it (direct when open, else the relay)
 * @param relay  the coordinator relay, for chunk runs on the relay path
 * @param direct the direct transport (completes on the receiver's channel ack), for chunk runs on a direct channel
 * @param heldAs the mesh as a delegated service this daemon holds, by (mesh id, service key); null when not held now
 */
record StreamContext(TransferStore store, JoinedMeshes meshes, PickTransport pick, Transport relay, Transport direct,
                     DirectRegistry directs, EventBus events, Inbox inbox, FileSettings settings, LongSupplier clock,
                     java.util.function.BiFunction<String, String, MeshSession> heldAs) {
    private static final Logger log = LoggerFactory.getLogger(StreamContext.class);

    MeshSession mesh(String meshId) {
        return meshes.byMeshId(meshId).orElse(null);
    }

    /** The mesh as the identity {@code t} runs as: the member, or the held service {@code t.self()} (null when not held now). */
    MeshSession mesh(Transfer t) {
        if (t.self() == null) return mesh(t.meshId());
        return heldAs == null ? null : heldAs.apply(t.meshId(), t.self());
    }

    /** Sends a control message (fire and forget: every control message is repeated by a tick until it has effect). */
    void control(MeshSession mesh, String to, String streamId, StreamControl c) {
        try {
            // A held service has no direct channels (the member's carry the member's envelopes only): its own link.
            Transport via = held(mesh) ? relay : pick;
            via.send(mesh, to, StreamEnvelopes.control(mesh, to, streamId, c)).whenComplete((r, t) -> {
                if (t != null) log.debug("stream {}: {} to {} not sent: {}", streamId, c.type(), to, t.toString());
            });
        } catch (RuntimeException e) {
            log.debug("stream {}: {} to {} not sent: {}", streamId, c.type(), to, e.toString());
        }
    }

    /** True when {@code mesh} is the mesh as a held service (or session), not as the member itself. */
    boolean held(MeshSession mesh) {
        MeshSession member = mesh(mesh.config().meshId());
        return member == null || !member.selfPubkey().equals(mesh.selfPubkey());
    }

    /** True when the roster shows {@code peer} online in {@code mesh}. */
    static boolean online(MeshSession mesh, String peer) {
        Frames.PeerInfo p = mesh.roster().peer(peer);
        return p != null && p.online();
    }

    /** True when the verified mesh state is known and {@code peer} is not an active member of it (any more). */
    static boolean removed(MeshSession mesh, String peer) {
        return mesh.roster().known() && !mesh.roster().isActive(peer);
    }

    /**
     * True when nothing of a transfer with {@code peer} can reach it any more: the state is known and it is neither an
     * active member nor an active service (a transfer to or from a service is one for a sub-peer it fronts).
     */
    static boolean gone(MeshSession mesh, String peer) {
        return removed(mesh, peer) && mesh.roster().activeService(peer) == null;
    }

    long now() {
        return clock.getAsLong();
    }
}
