package dev.meshwire.peer.coordinator;

import dev.meshwire.signaling.Canonical;
import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.frame.CloseCodes;
import dev.meshwire.signaling.frame.ErrorCode;
import dev.meshwire.signaling.frame.Frame;
import dev.meshwire.signaling.frame.FrameCodec;
import dev.meshwire.signaling.frame.Frames;
import dev.meshwire.signaling.frame.ProtocolException;
import dev.meshwire.signaling.invite.Invite;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket to the coordinator for one mesh identity. It answers the challenge with {@code hello}
 * (or {@code join} the first time, with an invite) stating the mesh-state version it holds, hands
 * mesh state, deliveries and presence to its listener (membership lives in the mesh's roster, not
 * here), correlates requests
 * with answers by {@code id}, pings and watches liveness, and reconnects with exponential backoff.
 * Close codes 4001–4004 are terminal: the state records why and nothing reconnects.
 *
 * <p>All socket work runs on one Vert.x context (the one captured at construction), so the socket
 * field and timers need no locks; state read by other threads is volatile or concurrent.
 */
public final class CoordinatorLink implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CoordinatorLink.class);
    /** Client-side frame limit for frames from the coordinator; the coordinator never sends more than its own maxFrameBytes. */
    private static final int MAX_FRAME = 16 * 1024 * 1024;

    private final Vertx vertx;
    private final Context context;
    // Kept in a field on purpose: Vert.x 5 closes unreachable clients through a Cleaner.
    private final WebSocketClient client;
    private final String wsUrl;
    private final String healthUrl;
    private HttpClient probeClient; // created at the first probe; only used on the context
    private final Identity identity;
    private final String displayName;
    private final LinkSettings settings;
    private final LinkListener listener;
    private final Map<String, CompletableFuture<Frame>> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final CompletableFuture<Frames.HelloAck> firstAck = new CompletableFuture<>();

    private volatile String meshId;
    private volatile Invite joinInvite; // non-null until the join succeeded
    private volatile LinkState state = LinkState.CONNECTING;
    private volatile String lastError;
    private volatile Frames.HelloAck lastAck;
    private volatile boolean p2pCapable;
    /**
     * Set for a session's or a delegated service's link: it answers the challenge with session_hello carrying this
     * attestation (docs/protocol.md §5, §6.4): a {@code SessionAttestation} or a {@code ServiceAttestation}.
     */
    private volatile dev.meshwire.signaling.session.Attested delegation;
    private static final java.util.Set<String> P2P_REFUSALS = java.util.Set.of("peer_offline", "bad_signature", "invalid_frame",
            ErrorCode.RATE_LIMITED); // id-less rate_limited is a signalling refusal (relay sends carry an id)
    private volatile long connectedSince;
    private volatile long lastFrameAt;
    private WebSocket ws;
    private int attempt;
    private long pingTimer = -1;
    private long reconnectTimer = -1;
    private long probeTimer = -1;
    private boolean probeSawDown; // the coordinator went away or was unreachable: a later 200 means "healthy again"
    private boolean shortcutUsed; // one probe shortcut per outage (reset by hello_ack): never a tight loop
    private volatile long probeRecoveries;
    private boolean closing;
    /**
     * The resume token of the last {@code hello_ack}, sent in the next {@code hello} (or, on a session's link, the next
     * {@code session_hello}: bound to the session key) so that a reconnect within the
     * coordinator's lease continues this presence without a leave/join at the peers. Memory only, on purpose: a
     * restarted daemon lost its direct channels and must be announced as new (docs/protocol.md "Continuous presence").
     */
    private volatile String resumeToken;
    /** The watchdog's bounds for the current connection: the link's settings, tightened by the coordinator's ping interval. */
    private long watchdogPeriod;
    private long watchdogDeadAfter;

    /**
     * @param meshId      the mesh to hello into; null when joining (taken from the invite)
     * @param joinInvite  non-null for a first join; afterwards the link uses hello
     * @param displayName the name sent in {@code join}
     */
    public CoordinatorLink(Vertx vertx, String coordinatorUrl, String meshId, Identity identity, Invite joinInvite,
                           String displayName, LinkSettings settings, LinkListener listener) {
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.client = vertx.createWebSocketClient(new WebSocketClientOptions()
                .setMaxFrameSize(MAX_FRAME).setMaxMessageSize(MAX_FRAME)
                .setConnectTimeout((int) settings.connectTimeout().toMillis()));
        this.wsUrl = CoordinatorUrls.wsEndpoint(coordinatorUrl);
        this.healthUrl = CoordinatorUrls.httpBase(coordinatorUrl) + "/health";
        this.meshId = joinInvite != null ? joinInvite.mesh() : meshId;
        this.identity = identity;
        this.joinInvite = joinInvite;
        this.displayName = displayName;
        this.settings = settings;
        this.listener = listener;
    }

    /** Starts connecting; the future completes at the first {@code hello_ack} or fails with the first refusal. */
    public CompletableFuture<Frames.HelloAck> start() {
        context.runOnContext(v -> connect());
        return firstAck;
    }

    /** Completes at the first {@code hello_ack} or fails with the first refusal (the future {@link #start} returned). */
    public CompletableFuture<Frames.HelloAck> firstAck() {
        return firstAck;
    }

    /**
     * Whether the next {@code hello}/{@code join} advertises {@code capabilities.p2p} (the daemon sets
     * it before {@link #start} when direct channels are on and the native library loaded).
     */
    public void advertiseP2p(boolean capable) { this.p2pCapable = capable; }

    /**
     * Makes this the link of a key that acts for a member (call before {@link #start}): {@code identity} is the
     * session's or the service's key, and the challenge is answered with {@code session_hello} carrying
     * {@code attestation} — a session's ({@code attestation}) or a registered service's ({@code serviceAttestation},
     * docs/protocol.md §6.4) — with {@code parent} = its signer and {@code displayName} as a session's label. Such a
     * link never joins.
     */
    public CoordinatorLink asDelegate(dev.meshwire.signaling.session.Attested attestation) {
        if (joinInvite != null) throw new IllegalStateException("a session or service link cannot join");
        if (!(attestation instanceof dev.meshwire.signaling.session.SessionAttestation)
                && !(attestation instanceof dev.meshwire.signaling.service.ServiceAttestation)) {
            throw new IllegalArgumentException("a session or service attestation is required");
        }
        this.delegation = attestation;
        return this;
    }
    public boolean advertisesP2p() { return p2pCapable; }

    /** The token the next hello will carry (null: a fresh hello). */
    public String resumeToken() { return resumeToken; }

    /**
     * Makes the first hello of this (not yet started) link resume the presence of an earlier link of the same
     * identity in this daemon, e.g. on {@code meshwire reconnect}. Null does a fresh hello.
     */
    public void resumeWith(String token) { this.resumeToken = token; }

    public LinkState state() { return state; }
    public String lastError() { return lastError; }
    public String meshId() { return meshId; }
    public Identity identity() { return identity; }
    public Frames.HelloAck lastAck() { return lastAck; }
    public long connectedSince() { return connectedSince; }
    public boolean connected() { return state == LinkState.CONNECTED; }

    public String nextId() {
        return "r" + ids.incrementAndGet();
    }

    /**
     * Sends a request frame whose answer echoes {@code id}. Fails with {@link CoordinatorError} on an
     * {@code error} answer, {@link IllegalStateException} when not connected or the link drops, and
     * {@link TimeoutException} after the request timeout.
     */
    public CompletableFuture<Frame> request(String id, Frame frame) {
        CompletableFuture<Frame> f = new CompletableFuture<>();
        if (state != LinkState.CONNECTED) {
            f.completeExceptionally(new IllegalStateException("not connected to the coordinator (" + describeState() + ")"));
            return f;
        }
        pending.put(id, f);
        String text = FrameCodec.encode(frame);
        context.runOnContext(v -> {
            if (ws == null || ws.isClosed()) {
                fail(id, new IllegalStateException("not connected to the coordinator"));
                return;
            }
            ws.writeTextMessage(text).onFailure(e -> fail(id, new IllegalStateException("write failed: " + e.getMessage())));
        });
        return f.orTimeout(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((r, e) -> pending.remove(id));
    }

    /**
     * Asks the coordinator who is online now ({@code list_peers}) and waits up to 10 s for the answer,
     * which the listener records as presence. Does nothing when disconnected; a failure only means the
     * last known presence is shown.
     */
    public void refreshPresence() {
        if (!connected()) return;
        try {
            String id = nextId();
            request(id, new Frames.ListPeers(id)).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.debug("mesh {}: list_peers failed, keeping the last known presence: {}", meshId, e.toString());
        }
    }

    /** Fire-and-forget (client_ack, pong). Dropped silently when disconnected; the coordinator redelivers. */
    public void sendFrame(Frame frame) {
        String text = FrameCodec.encode(frame);
        context.runOnContext(v -> {
            if (ws != null && !ws.isClosed()) ws.writeTextMessage(text);
        });
    }

    public String describeState() {
        return state.wireName() + (lastError != null ? ": " + lastError : "");
    }

    private void fail(String id, Throwable t) {
        CompletableFuture<Frame> f = pending.remove(id);
        if (f != null) f.completeExceptionally(t);
    }

    /** How many times a health probe cut a reconnect wait short (tests look at it). */
    public long probeRecoveries() { return probeRecoveries; }

    private void connect() {
        if (closing) return;
        reconnectTimer = -1;
        cancelProbe();
        setState(state == LinkState.CONNECTED ? LinkState.RECONNECTING : state, null);
        client.connect(new WebSocketConnectOptions().setAbsoluteURI(wsUrl)).onComplete(ar -> {
            if (ar.failed()) {
                // Not reachable at all (refused, timed out): the coordinator is down, so a later 200 from
                // /health means it is back. A rejected upgrade comes from a live server: not "down".
                if (!(ar.cause() instanceof io.vertx.core.http.UpgradeRejectedException)) probeSawDown = true;
                lastError = "cannot reach coordinator at " + wsUrl + ": " + ar.cause().getMessage();
                log.info("mesh {}: {}", meshId, lastError);
                onDisconnected(-1, lastError);
                return;
            }
            if (closing) {
                ar.result().close();
                return;
            }
            ws = ar.result();
            lastFrameAt = System.currentTimeMillis();
            ws.textMessageHandler(this::onText);
            ws.exceptionHandler(e -> log.debug("mesh {}: websocket error: {}", meshId, e.toString()));
            WebSocket mine = ws;
            ws.closeHandler(v -> {
                if (ws == mine) {
                    ws = null;
                    Short code = mine.closeStatusCode();
                    if (code == null) probeSawDown = true; // the socket just died: no close frame at all
                    onDisconnected(code == null ? -1 : code, mine.closeReason());
                }
            });
        });
    }

    private void onText(String text) {
        lastFrameAt = System.currentTimeMillis();
        Frame frame;
        try {
            frame = FrameCodec.decode(text);
        } catch (ProtocolException e) {
            log.warn("mesh {}: undecodable frame from coordinator ({}): {}", meshId, e.code(), e.getMessage());
            return;
        }
        try {
            handle(frame);
        } catch (RuntimeException e) {
            // A bug in a handler must not kill the socket's handler chain.
            log.error("mesh {}: failed to handle {}", meshId, frame.type(), e);
        }
    }

    private void handle(Frame frame) {
        if (frame instanceof Frames.Challenge c) {
            answerChallenge(c);
        } else if (frame instanceof Frames.HelloAck ack) {
            onHelloAck(ack);
        } else if (frame instanceof Frames.Deliver d) {
            listener.onDeliver(this, d);
        } else if (frame instanceof Frames.MeshSync m) {
            listener.onMeshSync(this, m);
        } else if (frame instanceof Frames.SystemEvent e) {
            listener.onSystemEvent(this, e);
        } else if (frame instanceof Frames.PeerJoined pj) {
            if (pj.peer() != null) listener.onPeerJoined(this, pj.peer());
        } else if (frame instanceof Frames.PeerLeft pl) {
            listener.onPeerLeft(this, pl);
        } else if (frame instanceof Frames.Subpeers sp) {
            listener.onSubpeers(this, sp);
        } else if (frame instanceof Frames.Peers p) {
            listener.onPeers(this, p);
            complete(p.id(), p);
        } else if (frame instanceof Frames.Ping p) {
            sendFrame(new Frames.Pong(p.id()));
        } else if (frame instanceof Frames.Pong) {
            // liveness already updated through lastFrameAt
        } else if (frame instanceof Frames.P2pSignal sig) {
            listener.onP2pSignal(this, sig);
        } else if (frame instanceof Frames.Receipt r) {
            listener.onReceipt(this, r);
        } else if (frame instanceof Frames.Error e) {
            onError(e);
        } else if (frame instanceof Frames.Ack a) {
            complete(a.id(), a);
        } else if (frame instanceof Frames.Ok o) {
            complete(o.id(), o);
        } else if (frame instanceof Frames.Bans b) {
            complete(b.id(), b);
        } else if (frame instanceof Frames.TopicHistoryPage tp) {
            complete(tp.id(), tp);
        } else {
            log.debug("mesh {}: ignoring {}", meshId, frame.type());
        }
    }

    private void complete(String id, Frame frame) {
        if (id == null) return;
        CompletableFuture<Frame> f = pending.remove(id);
        if (f != null) f.complete(frame);
    }

    private void onError(Frames.Error e) {
        if (e.id() != null && pending.containsKey(e.id())) {
            fail(e.id(), new CoordinatorError(e.code(), e.message()));
            return;
        }
        if (state == LinkState.CONNECTED && ErrorCode.STATE_UNAVAILABLE.equals(e.code())) {
            // Our state_sync could not be answered now: the listener asks again later (with backoff).
            log.warn("mesh {}: the coordinator could not answer a mesh-state resync: {}", meshId, e.message());
            listener.onStateSyncFailed(this, e.message());
            return;
        }
        if (state == LinkState.CONNECTED && P2P_REFUSALS.contains(e.code())) {
            // A refused p2p signal (peer_offline, bad_signature, invalid_frame, rate_limited): the handshake just times out.
            log.debug("mesh {}: coordinator refused a p2p signal: {}: {}", meshId, e.code(), e.message());
            return;
        }
        // An error outside a request: typically the refusal of our hello/join, before a close code.
        lastError = e.code() + ": " + e.message();
        log.warn("mesh {}: coordinator error {}", meshId, lastError);
        if (state != LinkState.CONNECTED && !firstAck.isDone() && joinInvite != null) {
            firstAck.completeExceptionally(new CoordinatorError(e.code(), e.message()));
        }
    }

    /**
     * What this daemon declares in {@code capabilities.features}: {@code receipts} (send it {@code receipt}
     * frames) and {@code peer_ping} (it answers {@code peer_ping}); plus {@code p2p} when direct channels are on, with
     * {@code envelope_binary} (it takes binary envelopes on its channels, docs/p2p.md "Binary envelopes") and
     * {@code ack_groups} and {@code data_bundles} (it takes ACKS frames, one ack for many messages, and BUNDLE frames,
     * several messages in one frame: docs/p2p.md "Framing on the channel").
     */
    public static final String FEATURE_RECEIPTS = "receipts";
    public static final String FEATURE_PEER_PING = "peer_ping";
    private static final List<String> FEATURES = List.of(FEATURE_RECEIPTS, FEATURE_PEER_PING);
    private static final List<String> FEATURES_P2P = List.of("p2p", FEATURE_RECEIPTS, FEATURE_PEER_PING,
            dev.meshwire.peer.p2p.ChannelPayload.FEATURE_BINARY_ENVELOPE, dev.meshwire.peer.p2p.ChannelFraming.FEATURE_ACK_GROUPS,
            dev.meshwire.peer.p2p.ChannelFraming.FEATURE_BUNDLES);

    private void answerChallenge(Frames.Challenge c) {
        Frames.Capabilities caps = new Frames.Capabilities(p2pCapable, 256 * 1024, p2pCapable ? FEATURES_P2P : FEATURES);
        Frame answer;
        Invite inv = joinInvite;
        dev.meshwire.signaling.session.Attested att = delegation;
        if (att != null) {
            long now = System.currentTimeMillis();
            String parent = att.signerPubkey();
            String sig = dev.meshwire.signaling.session.SessionHelloProof.sign(identity, meshId, parent, now, c.nonce());
            // A session or service does not offer direct channels (yet): relay only, and no peer_ping answers. Its
            // token (from its own last hello_ack) continues its presence after a lost connection, as a member's does.
            answer = new Frames.SessionHello(nextId(), meshId, identity.publicKeyHex(), parent, displayName,
                    att instanceof dev.meshwire.signaling.session.SessionAttestation sa ? sa : null, now,
                    new Frames.Capabilities(false, 256 * 1024, List.of(FEATURE_RECEIPTS)), sig, null,
                    att instanceof dev.meshwire.signaling.service.ServiceAttestation va ? va : null, resumeToken);
        } else if (inv != null) {
            String sig = identity.signHex(Canonical.join(inv.inviteId(), inv.mesh(), identity.publicKeyHex(), displayName, c.nonce()));
            answer = new Frames.Join(nextId(), inv.encode(), identity.publicKeyHex(), displayName, caps, sig);
        } else {
            String sig = identity.signHex(Canonical.hello(meshId, identity.publicKeyHex(), c.nonce()));
            answer = new Frames.Hello(nextId(), meshId, identity.publicKeyHex(), caps, sig, listener.helloState(), resumeToken);
        }
        ws.writeTextMessage(FrameCodec.encode(answer));
    }

    private void onHelloAck(Frames.HelloAck ack) {
        lastAck = ack;
        resumeToken = ack.resumeToken(); // null from a coordinator without continuous presence
        if (ack.mesh() != null) meshId = ack.mesh();
        joinInvite = null; // from now on we are a member and say hello
        try {
            listener.onHelloAck(this, ack);
        } catch (RuntimeException e) {
            log.warn("mesh {}: hello_ack listener failed", meshId, e);
        }
        attempt = 0;
        probeSawDown = false;
        shortcutUsed = false;
        lastError = null;
        connectedSince = System.currentTimeMillis();
        setState(LinkState.CONNECTED, null);
        startPinging();
        firstAck.complete(ack);
    }

    /**
     * The watchdog: pings the coordinator and, when nothing at all came from it for 2.5 times its announced ping
     * interval (at most the link's {@code deadAfter}), drops the socket at once and reconnects with the resume
     * token. Without it a half-open TCP connection (NAT timeout, a network that silently drops) looks alive for
     * hours; waiting for a close handshake on such a socket would only add the closing timeout.
     */
    private void startPinging() {
        if (pingTimer >= 0) vertx.cancelTimer(pingTimer);
        long period = Math.max(100, settings.pingInterval().toMillis());
        long deadAfter = settings.deadAfter().toMillis();
        long announced = lastAck == null ? 0 : lastAck.pingIntervalMs();
        if (announced > 0) {
            period = Math.max(100, Math.min(period, announced));
            deadAfter = Math.max(2 * period, Math.min(deadAfter, announced * 5 / 2));
        }
        watchdogPeriod = period;
        watchdogDeadAfter = deadAfter;
        lastPingAt = System.currentTimeMillis();
        pingTimer = vertx.setPeriodic(Math.max(50, Math.min(period, deadAfter / 4)), id -> watchdog());
    }

    private long lastPingAt;

    private void watchdog() {
        WebSocket s = ws;
        if (s == null || s.isClosed()) return;
        long now = System.currentTimeMillis();
        long silent = now - lastFrameAt;
        if (silent > watchdogDeadAfter) {
            log.info("mesh {}: coordinator silent for {} ms, dropping the socket and reconnecting (ws_stale_terminate)", meshId, silent);
            lastError = "coordinator silent for " + silent + " ms";
            ws = null; // its close handler no longer reports: this is the disconnect
            s.close((short) CloseCodes.NORMAL, "liveness timeout"); // best effort; the server may never see it
            onDisconnected(-1, "liveness timeout");
            return;
        }
        if (now - lastPingAt >= watchdogPeriod) {
            lastPingAt = now;
            s.writeTextMessage(FrameCodec.encode(new Frames.Ping(nextId())));
        }
    }

    private void onDisconnected(int code, String reason) {
        if (pingTimer >= 0) {
            vertx.cancelTimer(pingTimer);
            pingTimer = -1;
        }
        String why = "disconnected" + (code > 0 ? " (" + code + (reason != null && !reason.isBlank() ? " " + reason : "") + ")" : "");
        for (String id : List.copyOf(pending.keySet())) fail(id, new IllegalStateException("coordinator connection lost: " + why));
        connectedSince = 0;
        if (closing) {
            setState(LinkState.CLOSED, null);
            return;
        }
        if (CloseCodes.isTerminal(code)) {
            resumeToken = null; // kicked, banned, revoked or replaced: nothing of this presence is to be continued
            LinkState terminal = LinkState.forCloseCode(code, reason);
            if (lastError == null || state == LinkState.CONNECTED) {
                lastError = terminal.wireName() + (reason != null && !reason.isBlank() ? ": " + reason : "");
            }
            setState(joinInvite != null ? LinkState.JOIN_FAILED : terminal, lastError);
            firstAck.completeExceptionally(new CoordinatorError(terminal.wireName(), lastError));
            return;
        }
        if (joinInvite != null) {
            // A join that never got its hello_ack is not retried: the invite may be spent or wrong.
            if (lastError == null) lastError = "the coordinator closed the connection during join " + why;
            setState(LinkState.JOIN_FAILED, lastError);
            firstAck.completeExceptionally(new IllegalStateException(lastError));
            return;
        }
        if (code > 0 && lastError == null) lastError = why;
        // 1001 (going away: a coordinator shutting down) and 1006 (a crash, a dropped network; a socket
        // closed without any code is marked where it closes):
        // the coordinator is gone, so a 200 from /health later means it is back.
        if (code == 1001 || code == 1006) probeSawDown = true;
        if (!firstAck.isDone()) firstAck.completeExceptionally(new IllegalStateException(lastError != null ? lastError : why));
        long delay = settings.backoffFor(attempt++).toMillis(); // full jitter: uniform in [0, ceiling]
        setState(LinkState.RECONNECTING, lastError);
        log.info("mesh {}: {}; reconnecting in {} ms", meshId, why, delay);
        reconnectTimer = vertx.setTimer(Math.max(1, delay), id -> connect());
        scheduleProbe();
    }

    // ---- health probe while waiting to reconnect ----

    private void scheduleProbe() {
        if (closing || reconnectTimer < 0 || probeTimer >= 0) return;
        long d = settings.probeDelayMillis(ThreadLocalRandom.current());
        if (d <= 0) return;
        probeTimer = vertx.setTimer(d, id -> {
            probeTimer = -1;
            probe();
        });
    }

    private void cancelProbe() {
        if (probeTimer >= 0) {
            vertx.cancelTimer(probeTimer);
            probeTimer = -1;
        }
    }

    /**
     * One {@code GET /health}: when the coordinator answers 200 after it was seen gone (the socket
     * closed with 1001/1006, a connect or a probe could not reach it), the wait is cut short and the
     * ladder starts again at its first step (the coordinator is back, so the next failure is news, not
     * more of the same outage). Once per outage: if that reconnect fails too, the ladder runs its
     * course until a {@code hello_ack}. A coordinator that is healthy all along but refuses the socket
     * gets the plain backoff, so the probe never turns the ladder into a tight retry loop.
     */
    private void probe() {
        if (closing || reconnectTimer < 0) return;
        if (probeClient == null) {
            int timeout = (int) Math.max(200, Math.min(settings.connectTimeout().toMillis(), 2_000));
            probeClient = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(timeout).setKeepAlive(false));
        }
        long timeout = Math.max(200, Math.min(settings.connectTimeout().toMillis(), 2_000));
        probeClient.request(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(healthUrl)
                        .setConnectTimeout(timeout).setTimeout(timeout))
                .compose(req -> req.send().compose(resp -> resp.body().map(b -> resp.statusCode())))
                .onComplete(ar -> {
                    if (closing || reconnectTimer < 0) return; // reconnected meanwhile, or closed
                    boolean healthy = ar.succeeded() && ar.result() == 200;
                    if (!healthy) probeSawDown = true;
                    if (healthy && probeSawDown && !shortcutUsed) {
                        probeSawDown = false;
                        shortcutUsed = true;
                        vertx.cancelTimer(reconnectTimer);
                        attempt = 0;
                        probeRecoveries++;
                        log.info("mesh {}: coordinator answers /health again; reconnecting now", meshId);
                        connect();
                    } else if (!healthy) {
                        scheduleProbe();
                    }
                    // healthy but never seen down (or already shortcut once in this outage): stop probing,
                    // the backoff timer reconnects
                });
    }

    private void setState(LinkState s, String detail) {
        if (state == s) return;
        state = s;
        try {
            listener.onState(this, s, detail);
        } catch (RuntimeException e) {
            log.warn("state listener failed", e);
        }
    }

    /**
     * Closes the socket without reconnecting, with 1001 (going away): the coordinator ends this presence at once
     * and peers see it leave. Pending requests fail. Idempotent.
     */
    @Override
    public void close() {
        close(true);
    }

    /**
     * Closes like {@link #close()}, but with 1000 so the coordinator holds the presence for its lease, and returns
     * the resume token for the link that takes over ({@link #resumeWith}); null when there is none.
     */
    public String closeForHandover() {
        String token = resumeToken;
        close(false);
        return token;
    }

    private void close(boolean goingAway) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        context.runOnContext(v -> {
            closing = true;
            if (reconnectTimer >= 0) vertx.cancelTimer(reconnectTimer);
            cancelProbe();
            if (probeClient != null) probeClient.close();
            if (pingTimer >= 0) vertx.cancelTimer(pingTimer);
            if (ws != null && !ws.isClosed()) {
                ws.close(goingAway ? CloseCodes.GOING_AWAY : CloseCodes.NORMAL, goingAway ? "client closing" : "client reconnecting");
            }
            setState(LinkState.CLOSED, null);
            client.close().onComplete(x -> done.complete(null));
        });
        try {
            done.get(3, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // best effort on shutdown
        }
    }

    /** The state for a link that was closed by a terminal close code, for reporting. */
    public static boolean isTerminal(LinkState s) {
        return s.terminal();
    }
}
