package dev.meshwire.peer.mesh;

import dev.meshwire.peer.coordinator.CoordinatorLink;
import dev.meshwire.peer.coordinator.LinkListener;
import dev.meshwire.peer.coordinator.LinkState;
import dev.meshwire.peer.coordinator.MeshSession;
import dev.meshwire.peer.events.DaemonEvent;
import dev.meshwire.peer.events.EventBus;
import dev.meshwire.peer.inbox.InboundProcessor;
import dev.meshwire.peer.ipc.api.LinkEvent;
import dev.meshwire.peer.ipc.api.PeerJoinedEvent;
import dev.meshwire.peer.ipc.api.PeerLeftEvent;
import dev.meshwire.peer.meshstate.DeliveryGate;
import dev.meshwire.peer.meshstate.MeshReplica;
import dev.meshwire.peer.meshstate.MeshRoster;
import dev.meshwire.peer.outbox.DrainWorker;
import dev.meshwire.peer.outbox.ReceiptRecorder;
import dev.meshwire.peer.p2p.DirectRegistry;
import dev.meshwire.peer.transport.CoordinatorRelayTransport;
import dev.meshwire.signaling.frame.Frames;
import dev.meshwire.signaling.meshstate.StateRef;
import io.vertx.core.Vertx;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where what one mesh's coordinator link reports goes: mesh state to the replica, deliveries to the
 * inbound processor (held by a {@link DeliveryGate} until the replica is current), presence to the
 * roster, connection changes to the drain worker and the direct channels, and everything a user may
 * watch to the event bus. Callbacks arrive on the link's event loop; mesh state and deliveries are
 * handed to one ordered worker queue (JDBC blocks), so a {@code mesh_sync} is applied before the
 * deliveries that followed it are looked at.
 */
final class LinkEventRouter implements LinkListener {
    private static final Logger log = LoggerFactory.getLogger(LinkEventRouter.class);
    private static final long RESYNC_MAX_MS = 30_000;

    private final String meshName;
    private final Supplier<MeshSession> session;
    private final Vertx vertx;
    private final InboundProcessor inbound;
    private final DrainWorker drain;
    private final EventBus events;
    private final DirectRegistry direct;
    private final MeshRoster roster;
    private final DeliveryGate<Frames.Deliver> gate;
    private final ReceiptRecorder receipts;
    private final RelayPings pings;
    private volatile CoordinatorLink link;
    private int resyncFailures; // worker queue only
    private boolean resyncScheduled; // worker queue only

    LinkEventRouter(String meshName, Supplier<MeshSession> session, Vertx vertx, InboundProcessor inbound, DrainWorker drain,
                    EventBus events, DirectRegistry direct, MeshRoster roster, ReceiptRecorder receipts, RelayPings pings) {
        this.receipts = receipts;
        this.pings = pings;
        this.meshName = meshName;
        this.session = session;
        this.vertx = vertx;
        this.inbound = inbound;
        this.drain = drain;
        this.events = events;
        this.direct = direct;
        this.roster = roster;
        MeshReplica replica = roster.replica();
        this.gate = new DeliveryGate<>(replica::current, DeliveryGate.DEFAULT_CAPACITY);
    }

    /** Deliveries waiting for the replica to be current. */
    DeliveryGate<Frames.Deliver> gate() {
        return gate;
    }

    @Override
    public StateRef helloState() {
        return roster.replica().helloState();
    }

    @Override
    public void onHelloAck(CoordinatorLink l, Frames.HelloAck ack) {
        this.link = l;
        MeshReplica replica = roster.replica();
        replica.onResync(this::requestResync); // the newest link of the mesh asks for resyncs
        replica.markStale(); // nothing of this mesh is processed before this connection's mesh_sync
        if (ack.authority() != null && replica.pinnedAuthority() == null) {
            // A v1 invite (or a mesh record from before mesh state): trust on first use.
            // Pin the key that signed the history's first event (it comes with this connection's mesh_sync),
            // not the current one: after a rotation only the genesis key verifies the chain from v1.
            log.warn("mesh {}: no authority key was pinned (v1 invite); the key that signed this mesh's first event will be "
                    + "trusted on first use (the coordinator names {} as current)", meshName, ack.authority());
        } else if (ack.authority() == null && replica.pinnedAuthority() == null) {
            log.error("mesh {}: the coordinator names no mesh authority key; this daemon cannot verify the member list "
                    + "(deliveries stay held until it can)", meshName);
        }
        roster.onHelloAck(ack);
    }


    private volatile Runnable persistPin = () -> { };

    /** How a trust-on-first-use pin is written to the mesh record. */
    void onPinned(Runnable r) {
        this.persistPin = r;
    }

    @Override
    public void onMeshSync(CoordinatorLink l, Frames.MeshSync sync) {
        vertx.executeBlocking(() -> {
            MeshReplica replica = roster.replica();
            if (replica.pinnedAuthority() == null && replica.pinIfAbsent(MeshReplica.firstAuthority(sync))) {
                log.warn("mesh {}: pinned authority key {} on first use", meshName, replica.pinnedAuthority());
                persistPin.run();
            }
            if (replica.onMeshSync(sync)) synced(l);
            return null;
        }, true);
    }

    @Override
    public void onSystemEvent(CoordinatorLink l, Frames.SystemEvent e) {
        vertx.executeBlocking(() -> {
            roster.replica().onSystem(e);
            return null;
        }, true);
    }

    @Override
    public void onStateSyncFailed(CoordinatorLink l, String message) {
        vertx.executeBlocking(() -> {
            if (!roster.replica().current()) requestResync(roster.replica().head()); // delayed: resyncFailures > 0
            return null;
        }, true);
    }

    /** Worker queue: the replica is current; process what was held, in order. */
    private void synced(CoordinatorLink l) {
        resyncFailures = 0;
        MeshSession s = session.get();
        var held = gate.release();
        if (!held.isEmpty()) log.debug("mesh {}: replica current; processing {} held deliveries", meshName, held.size());
        if (s == null) return;
        for (Frames.Deliver d : held) inbound.processAsync(s, d, CoordinatorRelayTransport.PATH);
    }

    /**
     * The replica refused something and wants {@code state_sync{have}}: sent at once the first time,
     * then with a doubling delay (up to 30 s) while answers keep being refused, so a broken or hostile
     * coordinator cannot make the daemon spin.
     */
    void requestResync(StateRef have) {
        CoordinatorLink l = link;
        if (l == null || resyncScheduled) return;
        long delay = resyncFailures == 0 ? 0 : Math.min(RESYNC_MAX_MS, 500L << Math.min(resyncFailures - 1, 10));
        resyncFailures++;
        Runnable send = () -> {
            if (!l.connected()) return;
            StateRef now = roster.replica().head();
            l.sendFrame(new Frames.StateSync(l.nextId(), now.version() == 0 ? null : now));
        };
        if (delay == 0) {
            send.run();
        } else {
            resyncScheduled = true;
            vertx.setTimer(delay, t -> {
                vertx.executeBlocking(() -> {
                    resyncScheduled = false;
                    return null;
                }, true);
                send.run();
            });
        }
    }

    @Override
    public void onDeliver(CoordinatorLink l, Frames.Deliver d) {
        MeshSession s = session.get();
        if (s == null) return;
        // JDBC blocks: off the event loop, in order per mesh, behind any mesh state in the queue.
        vertx.executeBlocking(() -> {
            switch (gate.offer(d)) {
                // Verified and decrypted here, in order; stored by the inbox's group commit, acked after it.
                case PROCESS -> inbound.processAsync(s, d, CoordinatorRelayTransport.PATH);
                case HELD -> log.debug("mesh {}: delivery {} held until the mesh state is current", meshName, d.messageId());
                case DROPPED -> log.warn("mesh {}: delivery {} dropped unacked: {} deliveries already wait for the mesh state "
                        + "(the coordinator redelivers it)", meshName, d.messageId(), gate.held());
            }
            return null;
        }, true);
    }

    @Override
    public void onP2pSignal(CoordinatorLink l, Frames.P2pSignal signal) {
        if (signal.from() != null && !roster.isActive(signal.from())) {
            long n = roster.refused().signaling.incrementAndGet();
            if (Long.bitCount(n) == 1) {
                log.warn("mesh {}: refused {} from {}: not an active member ({} signaling frames refused)", meshName, signal.type(),
                        abbrev(signal.from()), n);
            }
            return;
        }
        if (signal instanceof Frames.PeerPing ping) {
            // Answered at once, on the event loop: the round trip measures the relay path, not our worker queue.
            if (ping.from() != null) l.sendFrame(new Frames.PeerPong(null, null, ping.from(), ping.nonce()));
            return;
        }
        if (signal instanceof Frames.PeerPong pong) {
            pings.pong(pong.from(), pong.nonce());
            return;
        }
        direct.signal(l.meshId(), signal);
    }

    @Override
    public void onReceipt(CoordinatorLink l, Frames.Receipt r) {
        receipts.offer(l.meshId(), meshName, r); // batched off the event loop (JDBC blocks)
    }

    @Override
    public void onPeerJoined(CoordinatorLink l, Frames.PeerInfo p) {
        roster.peerJoined(p);
        MeshSession s = session.get();
        if (s != null) direct.peerOnline(s, p);
        events.publish(new DaemonEvent(DaemonEvent.PEER_JOINED,
                new PeerJoinedEvent(meshName, p.name(), p.pubkey(), p.role())));
    }

    @Override
    public void onPeerLeft(CoordinatorLink l, Frames.PeerLeft p) {
        roster.peerLeft(p.pubkey(), p.reason());
        direct.peerGone(l.meshId(), p.pubkey(), p.reason());
        events.publish(new DaemonEvent(DaemonEvent.PEER_LEFT,
                new PeerLeftEvent(meshName, p.name(), p.pubkey(), p.reason())));
    }

    /** On the event loop, like peer_left, so a service's sub-peers and its presence change in the order they came. */
    @Override
    public void onSubpeers(CoordinatorLink l, Frames.Subpeers s) {
        roster.onSubpeers(s);
    }

    @Override
    public void onPeers(CoordinatorLink l, Frames.Peers p) {
        roster.onPeers(p.peers());
    }

    @Override
    public void onState(CoordinatorLink l, LinkState state, String detail) {
        if (state == LinkState.CONNECTED && l.meshId() != null) drain.linkConnected(l.meshId());
        MeshSession s = session.get();
        if (state == LinkState.CONNECTED && s != null) direct.linkUp(s, l.lastAck());
        if (state != LinkState.CONNECTED && state != LinkState.CONNECTING) {
            roster.linkDown();
            roster.replica().markStale();
            gate.clear(); // unacked: the coordinator redelivers them on the next connection
        }
        // Kicked, banned, revoked, left or closed for good: our channels in this mesh end too.
        if (CoordinatorLink.isTerminal(state)) {
            String meshId = l.meshId();
            vertx.executeBlocking(() -> { // closing an engine waits for its native objects
                direct.meshClosed(meshId, l);
                return null;
            }, false);
        }
        events.publish(new DaemonEvent(DaemonEvent.LINK,
                new LinkEvent(meshName, state.wireName(), detail)));
    }

    private static String abbrev(String k) {
        return k == null ? "?" : k.substring(0, Math.min(12, k.length()));
    }
}
