package dev.meshwire.peer.transport;

import dev.meshwire.peer.coordinator.MeshSession;
import dev.meshwire.peer.p2p.ChannelPayload;
import dev.meshwire.peer.p2p.DirectRegistry;
import dev.meshwire.peer.p2p.MeshDirect;
import dev.meshwire.peer.p2p.P2pException;
import dev.meshwire.peer.p2p.P2pMetrics;
import dev.meshwire.peer.p2p.P2pMode;
import dev.meshwire.peer.p2p.SessionState;
import dev.meshwire.signaling.envelope.Channel;
import dev.meshwire.signaling.envelope.Envelope;
import dev.meshwire.signaling.frame.Frames;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the path per envelope, as the seed's {@code pickTransport} does, and never waits for ICE:
 *
 * <ol>
 *   <li>p2p {@code off}, no engine for the mesh (native library missing) → relay;</li>
 *   <li>fan-out (anything but a 1:1 {@code dm}) → relay;</li>
 *   <li>recipient offline or unknown → relay (the coordinator queues it);</li>
 *   <li>recipient without {@code capabilities.p2p} → relay;</li>
 *   <li>a channel to the recipient is open → direct; if that send fails retryably (channel ended
 *       before the ack, ack timeout) the same envelope goes via the relay at once;</li>
 *   <li>otherwise → relay now and a background connect (lazy upgrade on first traffic).</li>
 * </ol>
 *
 * With {@code p2p = force} steps 1–4 and 6 refuse the relay with a retryable error instead (the outbox
 * retries with backoff, a connect is started in step 6): the direct path or nothing, for tests.
 */
public final class PickTransport implements Transport {
    private static final Logger log = LoggerFactory.getLogger(PickTransport.class);

    /** Why a send went where it went. */
    public enum Choice { DIRECT, RELAY_OFF, RELAY_FANOUT, RELAY_OFFLINE, RELAY_NO_CAPABILITY, RELAY_UPGRADING }

    private final Transport relay;
    private final Transport direct;
    private final DirectRegistry registry;
    private final P2pMetrics metrics;

    public PickTransport(Transport relay, Transport direct, DirectRegistry registry) {
        this.relay = relay;
        this.direct = direct;
        this.registry = registry;
        this.metrics = registry.metrics();
    }

    /** The decision for one envelope right now (no side effects). */
    public Choice choose(MeshSession mesh, String recipient, Envelope env) {
        MeshDirect d = registry.enabled() ? registry.get(mesh.config().meshId()) : null;
        if (d == null || !d.engine().available()) return Choice.RELAY_OFF;
        if (env.channel() != Channel.DM) return Choice.RELAY_FANOUT;
        Frames.PeerInfo p = mesh.link().member(recipient);
        if (p == null || !p.online()) return Choice.RELAY_OFFLINE;
        if (p.capabilities() == null || !p.capabilities().p2p()) return Choice.RELAY_NO_CAPABILITY;
        return d.engine().state(recipient) == SessionState.OPEN ? Choice.DIRECT : Choice.RELAY_UPGRADING;
    }

    @Override
    public CompletableFuture<TransportReceipt> send(MeshSession mesh, String recipient, Envelope env) {
        Choice c = choose(mesh, recipient, env);
        boolean force = registry.settings().mode() == P2pMode.FORCE;
        if (c == Choice.DIRECT) {
            long bytes = ChannelPayload.envelope(env).length;
            return direct.send(mesh, recipient, env).handle((r, t) -> {
                if (t == null) {
                    metrics.directMessages.increment();
                    metrics.directBytes.add(bytes);
                    return CompletableFuture.completedFuture(r);
                }
                TransportException e = unwrap(t);
                if (!e.retryable() || force) return CompletableFuture.<TransportReceipt>failedFuture(e);
                // Sent direct, not acked, channel gone (or ack timeout): the same envelope via the relay.
                metrics.fallbacks.increment();
                log.debug("direct send to {} failed ({}); resending via the relay", recipient, e.code());
                return viaRelay(mesh, recipient, env, true);
            }).thenCompose(f -> f);
        }
        if (c == Choice.RELAY_UPGRADING) {
            registry.get(mesh.config().meshId()).engine().connect(recipient);
        }
        if (force) {
            return CompletableFuture.failedFuture(new P2pException(P2pException.NO_CHANNEL,
                    "p2p = force and no direct channel to " + recipient + " (" + c.name().toLowerCase() + ")"));
        }
        return viaRelay(mesh, recipient, env, c == Choice.RELAY_UPGRADING);
    }

    private CompletableFuture<TransportReceipt> viaRelay(MeshSession mesh, String recipient, Envelope env, boolean degraded) {
        return relay.send(mesh, recipient, env).thenApply(r -> {
            metrics.relayMessages.increment();
            metrics.relayBytes.add(ChannelPayload.envelope(env).length);
            if (degraded) metrics.degraded.increment();
            return r;
        });
    }

    private static TransportException unwrap(Throwable t) {
        Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        return c instanceof TransportException te ? te : new TransportException("internal", String.valueOf(c), false);
    }

    @Override
    public String pathName() {
        return "auto";
    }
}
