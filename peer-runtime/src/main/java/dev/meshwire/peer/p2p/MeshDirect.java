package dev.meshwire.peer.p2p;

import dev.meshwire.peer.coordinator.MeshSession;
import dev.meshwire.signaling.envelope.Envelope;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Direct channels of one joined mesh: its {@link P2pEngine} (signaling over the mesh's coordinator
 * link; membership from the mesh's roster, checked for every signal and every arriving frame), the {@link PathTable} users see, and the engine
 * listener that hands arriving envelopes to the one inbound path and counts upgrades and failures.
 */
public final class MeshDirect implements P2pListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MeshDirect.class);
    private static final CompletableFuture<Boolean> ACK = CompletableFuture.completedFuture(true);

    private final MeshSession session;
    private final CoordinatorSignaling signaling;
    private final PathTable paths = new PathTable();
    private final P2pMetrics metrics;
    private final DirectInbound inbound;
    private final P2pEngine engine;
    private final Runnable onOpen;

    /** @param onOpen runs (engine thread, must not block) whenever a channel to any peer opens */
    public MeshDirect(MeshSession session, NativeWebRtc natives, P2pConfig config, List<IceServer> iceServers,
                      P2pMetrics metrics, DirectInbound inbound, Runnable onOpen) {
        this.onOpen = onOpen;
        this.session = session;
        this.signaling = new CoordinatorSignaling(session.link());
        this.metrics = metrics;
        this.inbound = inbound;
        this.engine = new P2pEngine(natives, session.identity(), session.config().meshId(),
                session.roster()::isActive, (peer, feature) -> declares(session, peer, feature), signaling,
                config.withIceServers(iceServers, config.relayOnly()), this);
    }

    /** Whether {@code peer}'s presence in the mesh declares {@code feature} in its {@code capabilities.features}. */
    public static boolean declares(MeshSession session, String peer, String feature) {
        dev.meshwire.signaling.frame.Frames.PeerInfo p = session.roster().peer(peer);
        return p != null && p.capabilities() != null && p.capabilities().features().contains(feature);
    }

    public MeshSession session() { return session; }
    public P2pEngine engine() { return engine; }
    public CoordinatorSignaling signaling() { return signaling; }
    public PathTable paths() { return paths; }

    // ---- P2pListener (engine thread: never block) ----

    @Override
    public CompletionStage<Boolean> onMessageAcked(String peer, byte[] message) {
        if (ChannelPayload.isPing(message)) return ACK;
        if (!ChannelPayload.isEnvelope(message)) {
            log.warn("mesh {}: dropped a direct message from {} that is no envelope ({} bytes)", session.name(), peer, message.length);
            return ACK;
        }
        Envelope env;
        try {
            env = ChannelPayload.decodeEnvelope(message);
        } catch (Exception e) {
            log.warn("mesh {}: dropped an undecodable envelope from {} on the direct channel: {}", session.name(), peer, e.toString());
            return ACK;
        }
        metrics.directReceived.increment();
        return inbound.accept(session, peer, env, paths.get(peer).path());
    }

    @Override
    public void onFrameRefused(String peer, String reason) {
        // Acked and dropped by the engine: the sender keeps its channel but nothing it sends is accepted.
        long n = session.roster().refused().direct.incrementAndGet();
        if (Long.bitCount(n) == 1) {
            log.warn("mesh {}: refused a direct frame from {}: {} ({} direct frames refused so far)", session.name(),
                    peer.substring(0, Math.min(12, peer.length())), reason, n);
        }
    }

    @Override
    public void onStateChange(String peer, String sessionId, SessionState state, String reason) {
        paths.state(peer, state, System.currentTimeMillis());
        switch (state) {
            case OPEN -> {
                metrics.upgrades.increment();
                onOpen.run();
                log.info("mesh {}: direct channel to {} open", session.name(), peer.substring(0, 12));
            }
            case FAILED -> {
                metrics.failures.increment();
                log.info("mesh {}: direct channel to {} failed ({}); staying on the relay", session.name(), peer.substring(0, 12), reason);
            }
            case CLOSED -> {
                if (reason != null && reason.startsWith(P2pEngine.STALLED)) metrics.stalled.increment();
                log.info("mesh {}: direct channel to {} closed ({})", session.name(), peer.substring(0, 12), reason);
            }
            default -> { }
        }
    }

    @Override
    public void onPath(String peer, String sessionId, CandidatePair pair) {
        paths.pair(peer, pair, System.currentTimeMillis());
    }

    @Override
    public void onUnacked(String peer, List<Unacked> unacked) {
        // Their send futures failed too; PickTransport resends each via the relay.
        log.info("mesh {}: {} direct messages to {} unacked when the channel ended; resending via the relay",
                session.name(), unacked.size(), peer.substring(0, 12));
    }

    @Override
    public void onSignalRefused(String from, String frameType, String reason) {
        // Losing a glare race (both sides offered at once) is the protocol working, not a problem.
        if (reason != null && reason.startsWith("glare")) {
            log.debug("mesh {}: {} from {} not taken: {}", session.name(), frameType, from, reason);
        } else {
            if (P2pEngine.NOT_A_MEMBER.equals(reason)) session.roster().refused().signaling.incrementAndGet();
            log.warn("mesh {}: refused {} from {}: {}", session.name(), frameType, from, reason);
        }
    }

    /** Tears down the channel to {@code peer} (kicked, banned, left) and forgets its path. */
    public void drop(String peer) {
        engine.close(peer);
        paths.forget(peer);
    }

    /** The coordinator said {@code peer} went offline: untrust and close its channel at once, forget its path. */
    public void peerGone(String peer, String reason) {
        engine.peerGone(peer, reason);
        paths.forget(peer);
    }

    @Override
    public void close() {
        engine.close();
    }
}
