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
 *   <li>fan-out the coordinator does ({@code topic}: one envelope for every member, kept as history) and the whole-mesh
 *       {@code group} to {@code *} → relay; every other envelope is for one recipient ({@code dm}, {@code rpc},
 *       {@code stream}, a {@code group} copy) and may go direct;</li>
 *   <li>the recipient's grants refuse this sender → relay, whatever the mode (the coordinator acks and drops it:
 *       the copy stays {@code accepted}, never {@code delivered}; docs/protocol.md §6.3);</li>
 *   <li>recipient offline or unknown → relay (the coordinator queues it);</li>
 *   <li>recipient without {@code capabilities.p2p} → relay;</li>
 *   <li>a channel to the recipient is open → direct; if that send fails retryably (the session's
 *       backlog is full, channel ended before the ack, ack timeout) the same envelope goes via the relay at once;</li>
 *   <li>otherwise → relay now and a background connect (lazy upgrade on first traffic).</li>
 * </ol>
 *
 * With {@code p2p = force} steps 1–4 and 6 refuse the relay with a retryable error instead (the outbox
 * retries with backoff, a connect is started in step 6): the direct path or nothing, for tests.
 *
 * <p>An envelope too big for the relay ({@link RelayLimit}) is <b>direct-only</b> whatever the mode:
 * it never goes to the relay. Without an open channel it fails retryably (the outbox keeps it pending
 * with backoff) after starting a connect; when the channel dies before the ack it fails retryably
 * too and is resent direct. It fails permanently only when direct became impossible: no direct
 * channels on this daemon, fan-out, or an online recipient that does not advertise p2p.
 */
public final class PickTransport implements Transport {
    private static final Logger log = LoggerFactory.getLogger(PickTransport.class);

    /** Why a send went where it went. */
    public enum Choice { DIRECT, RELAY_OFF, RELAY_FANOUT, RELAY_OFFLINE, RELAY_NO_CAPABILITY, RELAY_UPGRADING, RELAY_NOT_GRANTED }

    /** The permanent failure of a direct-only copy whose recipient can no longer be reached directly. */
    public static final String TOO_LARGE_FOR_RELAY = "too_large_for_relay";

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
        if (env.channel() == Channel.TOPIC || env.channel() == Channel.SYSTEM
                || (env.channel() == Channel.GROUP && "*".equals(env.target()))) {
            return Choice.RELAY_FANOUT;
        }
        // The recipient's grants refuse us: its daemon would ack and drop a direct copy, which would read as
        // "delivered". Through the relay the coordinator acks and drops it, so the copy honestly stays "accepted".
        if (!mesh.roster().grantedBy(recipient, env.channel())) return Choice.RELAY_NOT_GRANTED;
        Frames.PeerInfo p = mesh.roster().peer(recipient); // presence of an active member, or null
        if (p == null || !p.online()) return Choice.RELAY_OFFLINE;
        if (p.capabilities() == null || !p.capabilities().p2p()) return Choice.RELAY_NO_CAPABILITY;
        return d.engine().state(recipient) == SessionState.OPEN ? Choice.DIRECT : Choice.RELAY_UPGRADING;
    }

    @Override
    public CompletableFuture<TransportReceipt> send(MeshSession mesh, String recipient, Envelope env) {
        return send(mesh, recipient, env, ChannelPayload.envelope(env).length);
    }

    /** {@code bytes}: the envelope's JSON size (the outbox knows it from the stored text; no serialization to measure it). */
    @Override
    public CompletableFuture<TransportReceipt> send(MeshSession mesh, String recipient, Envelope env, long bytes) {
        Choice c = choose(mesh, recipient, env);
        if (!RelayLimit.fits(mesh, bytes)) return directOnly(mesh, recipient, env, c, bytes);
        if (c == Choice.RELAY_NOT_GRANTED) return viaRelay(mesh, recipient, env, bytes, false);
        boolean force = registry.settings().mode() == P2pMode.FORCE;
        if (c == Choice.DIRECT) {
            return direct.send(mesh, recipient, env).handle((r, t) -> {
                if (t == null) {
                    metrics.directMessages.increment();
                    metrics.directBytes.add(bytes);
                    return CompletableFuture.completedFuture(r);
                }
                TransportException e = unwrap(t);
                if (!e.retryable() || force) return CompletableFuture.<TransportReceipt>failedFuture(e);
                // Not taken (the peer's backlog is full), or sent direct and not acked (channel gone, ack timeout):
                // the same envelope via the relay.
                if (P2pException.BACKLOG_FULL.equals(e.code())) metrics.backlogFull.increment();
                else metrics.fallbacks.increment();
                log.debug("direct send to {} failed ({}); resending via the relay", recipient, e.code());
                return viaRelay(mesh, recipient, env, bytes, true);
            }).thenCompose(f -> f);
        }
        if (c == Choice.RELAY_UPGRADING) startConnect(mesh, recipient);
        if (force) {
            return CompletableFuture.failedFuture(new P2pException(P2pException.NO_CHANNEL,
                    "p2p = force and no direct channel to " + recipient + " (" + c.name().toLowerCase() + ")"));
        }
        return viaRelay(mesh, recipient, env, bytes, c == Choice.RELAY_UPGRADING);
    }

    private CompletableFuture<TransportReceipt> directOnly(MeshSession mesh, String recipient, Envelope env, Choice c, long bytes) {
        if (c == Choice.DIRECT) {
            // A failure (channel died before the ack, ack timeout) keeps its retryable flag: back to pending, resent direct.
            return direct.send(mesh, recipient, env).thenApply(r -> {
                metrics.directMessages.increment();
                metrics.directBytes.add(bytes);
                return r;
            });
        }
        String what = "envelope of " + bytes + " bytes is too big for the relay (frames ≤ " + RelayLimit.maxFrameBytes(mesh) + " bytes)";
        boolean retryable = switch (c) {
            case RELAY_OFF -> registry.enabled(); // enabled but no engine yet: the mesh's first hello_ack is pending
            case RELAY_FANOUT, RELAY_NO_CAPABILITY -> false;
            default -> true;
        };
        if (c == Choice.RELAY_UPGRADING) startConnect(mesh, recipient);
        String code = retryable ? P2pException.NO_CHANNEL : TOO_LARGE_FOR_RELAY;
        return CompletableFuture.failedFuture(new TransportException(code, what + (retryable
                ? "; waiting for a direct channel (" + c.name().toLowerCase() + ")"
                : "; no direct channel is possible (" + c.name().toLowerCase() + ")"), retryable));
    }

    /**
     * Starts a background connect. The mesh's direct engine is looked up again: a reconnect of the mesh's link
     * may have torn it down since {@link #choose} saw it, and then there is nothing to upgrade (the send goes
     * via the relay all the same).
     */
    private void startConnect(MeshSession mesh, String recipient) {
        MeshDirect d = registry.get(mesh.config().meshId());
        if (d != null) d.engine().connect(recipient);
    }

    /** {@code bytes}: the envelope's JSON size, measured once in {@link #send} (encoding it again per copy cost a full serialization). */
    private CompletableFuture<TransportReceipt> viaRelay(MeshSession mesh, String recipient, Envelope env, long bytes, boolean degraded) {
        return relay.send(mesh, recipient, env).thenApply(r -> {
            metrics.relayMessages.increment();
            metrics.relayBytes.add(bytes);
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
