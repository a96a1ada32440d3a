package dev.meshwire.peer.mesh;

import dev.meshwire.peer.coordinator.CoordinatorLink;
import dev.meshwire.peer.coordinator.LinkListener;
import dev.meshwire.peer.coordinator.LinkState;
import dev.meshwire.peer.coordinator.MeshSession;
import dev.meshwire.peer.events.DaemonEvent;
import dev.meshwire.peer.events.EventBus;
import dev.meshwire.peer.inbox.InboundProcessor;
import dev.meshwire.peer.ipc.IpcClient;
import dev.meshwire.peer.outbox.DrainWorker;
import dev.meshwire.peer.p2p.DirectRegistry;
import dev.meshwire.peer.transport.CoordinatorRelayTransport;
import dev.meshwire.signaling.frame.Frames;
import io.vertx.core.Vertx;
import java.util.function.Supplier;

/**
 * Where what one mesh's coordinator link reports goes: deliveries to the inbound processor (and so
 * the inbox), connection changes to the drain worker and the roster cache, and everything a user
 * may watch to the event bus. Callbacks arrive on the link's event loop, so blocking work is handed
 * to a worker.
 */
record LinkEventRouter(String meshName, Supplier<MeshSession> session, Vertx vertx, InboundProcessor inbound,
                       DrainWorker drain, RosterCache rosters, EventBus events, DirectRegistry direct) implements LinkListener {

    @Override
    public void onDeliver(CoordinatorLink l, Frames.Deliver d) {
        MeshSession s = session.get();
        if (s == null) return;
        // JDBC and the roster refresh block: off the event loop, in order per mesh.
        vertx.executeBlocking(() -> {
            inbound.process(s, d, CoordinatorRelayTransport.PATH);
            return null;
        }, true);
    }

    @Override
    public void onP2pSignal(CoordinatorLink l, Frames.P2pSignal signal) {
        direct.signal(l.meshId(), signal);
    }

    @Override
    public void onPeerJoined(CoordinatorLink l, Frames.PeerInfo p) {
        rosters.save(meshName, l);
        MeshSession s = session.get();
        if (s != null) direct.peerOnline(s, p);
        events.publish(new DaemonEvent(DaemonEvent.PEER_JOINED,
                IpcClient.map("mesh", meshName, "name", p.name(), "pubkey", p.pubkey(), "role", p.role())));
    }

    @Override
    public void onPeerLeft(CoordinatorLink l, Frames.PeerLeft p) {
        direct.peerGone(l.meshId(), p.pubkey(), p.reason());
        events.publish(new DaemonEvent(DaemonEvent.PEER_LEFT,
                IpcClient.map("mesh", meshName, "name", p.name(), "pubkey", p.pubkey(), "reason", p.reason())));
    }

    @Override
    public void onState(CoordinatorLink l, LinkState state, String detail) {
        if (state == LinkState.CONNECTED && l.meshId() != null) drain.linkConnected(l.meshId());
        if (state == LinkState.CONNECTED) rosters.save(meshName, l);
        MeshSession s = session.get();
        if (state == LinkState.CONNECTED && s != null) direct.linkUp(s, l.lastAck());
        // Kicked, banned, left or closed for good: our channels in this mesh end too.
        if (CoordinatorLink.isTerminal(state)) {
            String meshId = l.meshId();
            vertx.executeBlocking(() -> { // closing an engine waits for its native objects
                direct.meshClosed(meshId, l);
                return null;
            }, false);
        }
        events.publish(new DaemonEvent(DaemonEvent.LINK,
                IpcClient.map("mesh", meshName, "state", state.wireName(), "detail", detail)));
    }
}
