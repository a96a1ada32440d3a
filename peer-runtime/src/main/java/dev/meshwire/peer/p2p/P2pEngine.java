package dev.meshwire.peer.p2p;

import dev.meshwire.signaling.crypto.Hex;
import dev.meshwire.signaling.crypto.Identity;
import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.RTCConfiguration;
import dev.onvoid.webrtc.RTCIceServer;
import dev.onvoid.webrtc.RTCIceTransportPolicy;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Direct data channels to the other members of one mesh: at most one session per peer.
 *
 * <p><b>Relay first, then upgrade.</b> {@link #send} never waits for ICE: it fails at once with
 * {@link P2pException#NO_CHANNEL} unless a channel to the peer is open, and the caller sends via the
 * relay instead. {@link #connect} starts a handshake in the background; the owner learns through
 * {@link P2pListener#onStateChange} when the channel is open.
 *
 * <p><b>Glare.</b> If both sides offer at once, the offer of the side whose public key (64 lowercase
 * hex characters) sorts first wins: that side ignores the other's offer, the other side abandons
 * its own offer and answers. Signaling is ordered per direction, so the loser's offer always reaches
 * the winner before the winner's session opens.
 *
 * <p><b>Lifetimes.</b> An open session with no traffic for {@code idleTimeout} is closed; one older
 * than {@code maxLifetime} is closed and (if {@code rehandshake}) replaced by a fresh handshake with
 * new DTLS keys. A session that fails before opening starts a backoff (doubling from
 * {@code retryBase} to {@code retryMax}) during which {@link #connect} answers BACKING_OFF; a session
 * that opens resets it. Incoming offers are accepted even while backing off.
 *
 * <p><b>Stuck on TURN.</b> ICE settles on whatever pair works when it decides; if the direct checks lost a race
 * (a NAT dropped the first ones, the machine was busy) it can stay on TURN although a direct path exists, and
 * it never retries a failed pair by itself. So the offerer of a session whose selected pair is relayed closes it
 * after {@code directRetryBase} (doubling per consecutive TURN outcome up to {@code directRetryMax}, reset by a
 * direct one) at a quiet moment and runs ICE again. Messages go through the coordinator relay meanwhile, as they
 * do whenever no channel is open; a pair of NATs where direct is impossible costs one new handshake per backoff.
 * A relay-only engine ({@code relayOnly}, {@code MESHWIRE_P2P_ICE_POLICY=relay}) never retries: it has no direct
 * path to find.
 *
 * <p><b>Threading.</b> All session state lives on one engine thread (a daemon thread of its own).
 * Public methods are thread-safe and never block, except {@link #closeAll()} and {@link #close()},
 * which wait for the native objects to be released and must not be called from a listener.
 */
public final class P2pEngine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(P2pEngine.class);
    private static final int MAX_SDP_CHARS = 64 * 1024;
    private static final int EARLY_CANDIDATE_KEYS = 32;
    private static final int EARLY_CANDIDATES_PER_KEY = 64;
    private static final int REMEMBERED_SESSION_IDS = 64;
    /** The refusal reason for a signal or a frame whose sender fails the membership predicate. */
    public static final String NOT_A_MEMBER = "sender is not an active member of this mesh";
    /** How the close reason of a session closed by the stall rule ({@link BacklogLimits#stallTimeout()}) starts. */
    public static final String STALLED = "peer stalled";

    private final NativeWebRtc natives;
    private final Identity identity;
    private final String selfHex;
    private final String meshId;
    private final Predicate<String> isMember;
    private final java.util.function.BiPredicate<String, String> peerDeclares;
    /** ACK and ACKS frames received (heartbeat pongs included), for metrics and tests. */
    final java.util.concurrent.atomic.AtomicLong ackFrames = new java.util.concurrent.atomic.AtomicLong();
    final java.util.concurrent.atomic.AtomicLong ackGroupFrames = new java.util.concurrent.atomic.AtomicLong();
    /** BUNDLE frames received. */
    final java.util.concurrent.atomic.AtomicLong bundles = new java.util.concurrent.atomic.AtomicLong();
    private final SignalingChannel signaling;
    private final P2pConfig config;
    private final P2pListener listener;
    private final ScheduledThreadPoolExecutor exec;
    private final SecureRandom random = new SecureRandom();

    /** The current session per peer (never a terminal one). Written on the engine thread only. */
    private final ConcurrentHashMap<String, P2pSession> sessions = new ConcurrentHashMap<>();
    /** Peer -> System.nanoTime() before which connect() backs off. */
    private final ConcurrentHashMap<String, Long> notBefore = new ConcurrentHashMap<>();
    private final Map<String, Integer> failures = new HashMap<>();
    /** Consecutive sessions per peer that ended up on a TURN pair (engine thread): sets the next direct retry's wait. */
    private final Map<String, Integer> turnOutcomes = new HashMap<>();
    /** Candidates that arrived before their offer, by peer|sessionId (engine thread). */
    private final Map<String, List<P2pSignal.Candidate>> earlyCandidates = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, List<P2pSignal.Candidate>> e) {
            return size() > EARLY_CANDIDATE_KEYS;
        }
    };
    /** Session ids already seen per peer: a replayed (still validly signed) offer is refused. */
    private final Map<String, Set<String>> seenSessionIds = new HashMap<>();
    private volatile boolean closed;
    private final java.util.concurrent.atomic.AtomicLong refusedFrames = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong backlogRefusals = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong stalledSessions = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong peakBacklogBytes = new java.util.concurrent.atomic.AtomicLong();
    /** The ICE servers new sessions use; replaced when the coordinator hands out fresh TURN credentials. */
    private volatile List<IceServer> iceServers;
    /** Test hook: received messages are delivered but not acked (to leave the sender with unacked messages). */
    volatile boolean holdAcks;
    /** Test hook: plays a frozen peer that keeps its channel open: sends no heartbeats and answers none. */
    volatile boolean muteHeartbeats;

    /**
     * Creates an engine and installs itself as the receiver of {@code signaling}.
     *
     * @param natives  the process's WebRTC factory holder; if it is unavailable the engine still works,
     *                 but every connect answers UNAVAILABLE and every send fails fast
     * @param self     our identity in this mesh; signs our offers and answers
     * @param meshId   the mesh every signal must name
     * @param isMember true for the public keys (hex) of current, active mesh members. Asked for every signal
     *                 and for every whole message that arrives on a channel: signals from anyone else are
     *                 refused, and their frames are acked and dropped (counted in {@link #refusedFrames()}),
     *                 even on a channel that is still open
     */
    public P2pEngine(NativeWebRtc natives, Identity self, String meshId, Predicate<String> isMember,
                     SignalingChannel signaling, P2pConfig config, P2pListener listener) {
        this(natives, self, meshId, isMember, (peer, feature) -> false, signaling, config, listener);
    }

    /**
     * As above, plus {@code peerDeclares}: whether a peer (public key hex) declares a channel feature in its
     * {@code capabilities.features} — {@link ChannelFraming#FEATURE_ACK_GROUPS} (acks to it go in ACKS frames; asked at
     * every ack flush) and {@link ChannelFraming#FEATURE_BUNDLES} (small messages to it go several per BUNDLE frame;
     * asked per bundle). Peers that declare neither get one ACK per message and one message per DATA frame. This engine
     * takes every kind of frame from every peer.
     */
    public P2pEngine(NativeWebRtc natives, Identity self, String meshId, Predicate<String> isMember,
                     java.util.function.BiPredicate<String, String> peerDeclares,
                     SignalingChannel signaling, P2pConfig config, P2pListener listener) {
        this.peerDeclares = peerDeclares;
        this.natives = natives;
        this.identity = self;
        this.selfHex = self.publicKeyHex();
        this.meshId = meshId;
        this.isMember = isMember;
        this.signaling = signaling;
        this.config = config;
        this.listener = listener;
        this.iceServers = config.iceServers();
        this.exec = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "meshwire-p2p-" + selfHex.substring(0, 8));
            t.setDaemon(true);
            return t;
        });
        exec.setRemoveOnCancelPolicy(true);
        long sweep = config.sweepInterval().toMillis();
        exec.scheduleWithFixedDelay(this::sweep, sweep, sweep, TimeUnit.MILLISECONDS);
        signaling.setReceiver(m -> post(() -> onSignal(m)));
    }

    // ---- public API ----

    /** True if the native library is loaded and the engine is not closed. */
    public boolean available() {
        return !closed && natives.factory() != null;
    }

    /**
     * Starts a handshake with {@code peer} unless a session exists or a backoff runs. Never blocks;
     * the outcome is a best-effort snapshot (the engine thread re-checks before offering).
     */
    public ConnectOutcome connect(String peer) {
        if (!available()) return ConnectOutcome.UNAVAILABLE;
        if (peer.equals(selfHex) || !isMember.test(peer)) return ConnectOutcome.NOT_A_MEMBER;
        P2pSession s = sessions.get(peer);
        if (s != null) return s.state() == SessionState.OPEN ? ConnectOutcome.ALREADY_OPEN : ConnectOutcome.ALREADY_CONNECTING;
        Long nb = notBefore.get(peer);
        if (nb != null && System.nanoTime() - nb < 0) return ConnectOutcome.BACKING_OFF;
        post(() -> startOffer(peer));
        return ConnectOutcome.STARTED;
    }

    /**
     * Sends one message over the open channel to {@code peer}. Returns a future that completes with
     * the peer's ack, or fails with {@link P2pException}: at once with NO_CHANNEL / UNAVAILABLE when
     * no channel is open (nothing waits for ICE), with CHANNEL_CLOSED (carrying the payload) if the
     * channel ends before the ack, or BAD_MESSAGE for an empty or oversized message. The array is
     * kept until acked: do not modify it.
     */
    public CompletableFuture<Ack> send(String peer, byte[] message) {
        if (message == null || message.length == 0 || message.length > config.maxMessageBytes()) {
            return CompletableFuture.failedFuture(new P2pException(P2pException.BAD_MESSAGE,
                    "message of " + (message == null ? "null" : message.length + " bytes") + " is outside 1.." + config.maxMessageBytes()));
        }
        if (closed) return CompletableFuture.failedFuture(new P2pException(P2pException.UNAVAILABLE, "P2P engine is closed"));
        P2pSession s = sessions.get(peer);
        if (s == null || s.state() != SessionState.OPEN) {
            return CompletableFuture.failedFuture(new P2pException(P2pException.NO_CHANNEL,
                    "no open direct channel to " + shortKey(peer)));
        }
        if (!s.trusted()) {
            return CompletableFuture.failedFuture(new P2pException(P2pException.NO_CHANNEL,
                    "the direct channel to " + shortKey(peer) + " is not trusted right now (ICE disconnected)"));
        }
        return s.enqueue(message);
    }

    /**
     * Replaces the STUN/TURN servers for sessions started from now on (each {@code hello_ack} brings
     * fresh TURN REST credentials). Open sessions keep theirs.
     */
    public void updateIceServers(List<IceServer> servers) {
        this.iceServers = List.copyOf(servers);
    }

    /** The ICE servers new sessions use. */
    public List<IceServer> iceServers() {
        return iceServers;
    }

    /** Returns the state of the current session with {@code peer}, or null if there is none. */
    public SessionState state(String peer) {
        P2pSession s = sessions.get(peer);
        return s == null ? null : s.state();
    }

    /**
     * True if an open session with {@code peer} exists and its path is trusted for sending: ICE has not
     * reported it DISCONNECTED (a disconnected path is closed unless ICE recovers within 5 s) and the peer
     * was heard within the last 6.5 s (else the session is closed).
     */
    public boolean trusted(String peer) {
        P2pSession s = sessions.get(peer);
        return s != null && s.state() == SessionState.OPEN && s.trusted();
    }

    /**
     * The peer is known to be gone (the coordinator said {@code peer_left}: crashed, timed out, left,
     * kicked...): its session stops being trusted at once — unacked messages fail with
     * {@code p2p_channel_closed} and are reported via {@link P2pListener#onUnacked} for the relay — and is
     * closed. Same as {@link #close(String)} with a reason. Does not block.
     */
    public void peerGone(String peer, String reason) {
        post(() -> {
            P2pSession s = sessions.get(peer);
            if (s != null) s.close(SessionState.CLOSED, "peer left the mesh's coordinator (" + reason + ")", true);
        });
    }

    /** Returns the candidate pair of the open session with {@code peer}, or null if unknown. */
    public CandidatePair path(String peer) {
        P2pSession s = sessions.get(peer);
        return s == null || s.state() != SessionState.OPEN ? null : s.path();
    }

    /** Returns the peers (hex keys) with an open channel right now. */
    public List<String> openPeers() {
        List<String> out = new ArrayList<>();
        sessions.forEach((p, s) -> {
            if (s.state() == SessionState.OPEN) out.add(p);
        });
        return out;
    }

    /** Closes the session with {@code peer} (if any) and tells the peer. Does not block. */
    public void close(String peer) {
        post(() -> {
            P2pSession s = sessions.get(peer);
            if (s != null) s.close(SessionState.CLOSED, "closed locally", true);
        });
    }

    /** Closes every session, telling each peer, and waits (up to 5 s) until their native objects are released. */
    public void closeAll() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            exec.execute(() -> {
                for (P2pSession s : new ArrayList<>(sessions.values())) s.close(SessionState.CLOSED, "closed locally", true);
                done.complete(null);
            });
            done.get(5, TimeUnit.SECONDS);
        } catch (RejectedExecutionException e) {
            // already shut down: nothing left to close
        } catch (Exception e) {
            LOG.warn("closing direct channels did not finish: {}", e.toString());
        }
    }

    /**
     * Closes every session and stops the engine thread. The process-wide factory stays; dispose it
     * with {@link NativeWebRtc#shutdown()} after the last engine is closed.
     */
    @Override
    public void close() {
        if (closed) return;
        closeAll();
        closed = true;
        exec.shutdown();
        try {
            exec.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Test hook: sends one raw frame to {@code peer}, bypassing framing. */
    void sendRawForTest(String peer, byte[] frame) {
        post(() -> {
            P2pSession s = sessions.get(peer);
            if (s != null) s.sendRawForTest(frame);
        });
    }

    // ---- package-private: used by P2pSession ----

    P2pConfig config() {
        return config;
    }

    Identity identity() {
        return identity;
    }

    String selfHex() {
        return selfHex;
    }

    String meshId() {
        return meshId;
    }

    String shortKey(String key) {
        return key == null ? "null" : key.substring(0, Math.min(12, key.length()));
    }

    boolean candidateAllowed(String candidateLine) {
        Predicate<String> f = config.candidateFilter();
        return f == null || f.test(candidateLine);
    }

    /** Runs {@code task} on the engine thread; dropped once the engine is shut down. Safe from native callbacks. */
    void post(Runnable task) {
        try {
            exec.execute(() -> {
                try {
                    task.run();
                } catch (Throwable e) {
                    // Never let a task die silently inside the executor's future: log it.
                    LOG.error("P2P engine task failed", e);
                }
            });
        } catch (RejectedExecutionException e) {
            // shutting down
        }
    }

    ScheduledFuture<?> schedule(Runnable task, long delayMs) {
        try {
            return exec.schedule(() -> {
                try {
                    task.run();
                } catch (Throwable e) {
                    LOG.error("P2P engine timer failed", e);
                }
            }, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    ScheduledFuture<?> scheduleAtFixedRate(Runnable task, long periodMs) {
        try {
            return exec.scheduleAtFixedRate(() -> {
                try {
                    task.run();
                } catch (Throwable e) {
                    LOG.error("P2P engine timer failed", e);
                }
            }, periodMs, periodMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    void signal(P2pSignal m) {
        try {
            signaling.send(m);
        } catch (RuntimeException e) {
            LOG.debug("signaling send failed", e);
        }
    }

    /** The backlog of the session with {@code peer} ({@link BacklogLimits}); empty without a session. */
    public BacklogSize backlog(String peer) {
        P2pSession s = sessions.get(peer);
        return s == null ? BacklogSize.EMPTY : s.backlog();
    }

    /** Sends refused with {@link P2pException#BACKLOG_FULL} since the engine started. */
    public long backlogRefusals() {
        return backlogRefusals.get();
    }

    /** Sessions closed by the stall rule since the engine started. */
    public long stalledSessions() {
        return stalledSessions.get();
    }

    /** The most payload bytes any one session's backlog held at once since the engine started. */
    public long peakBacklogBytes() {
        return peakBacklogBytes.get();
    }

    void backlogRefused() {
        backlogRefusals.incrementAndGet();
    }

    void backlogHeld(long bytes) {
        peakBacklogBytes.accumulateAndGet(bytes, Math::max);
    }

    void sessionStalled() {
        stalledSessions.incrementAndGet();
    }

    /** Single ACK frames received from every peer since the engine started (heartbeat pongs included). */
    public long ackFramesReceived() {
        return ackFrames.get();
    }

    /** ACKS frames (acks of several messages in one frame) received from every peer since the engine started. */
    public long ackGroupFramesReceived() {
        return ackGroupFrames.get();
    }

    /** BUNDLE frames (several messages in one frame) received from every peer since the engine started. */
    public long bundlesReceived() {
        return bundles.get();
    }

    /** Whether {@code peer} declares the channel feature {@code feature} (false if the owner cannot tell). */
    boolean peerDeclares(String peer, String feature) {
        try {
            return peerDeclares.test(peer, feature);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Frames acked and dropped because their sender failed the membership predicate. */
    public long refusedFrames() {
        return refusedFrames.get();
    }

    /**
     * Hands a message to the listener; the stage says whether (true) and when to ack it. The sender's
     * membership is checked here, per frame: a frame from a key that is no longer an active member is
     * acked (so it is not resent) and dropped, whether or not its channel has been torn down yet.
     */
    java.util.concurrent.CompletionStage<Boolean> deliver(String peer, byte[] message) {
        boolean member;
        try {
            member = isMember.test(peer);
        } catch (RuntimeException e) {
            member = false;
        }
        if (!member) {
            refusedFrames.incrementAndGet();
            try {
                listener.onFrameRefused(peer, NOT_A_MEMBER);
            } catch (RuntimeException e) {
                LOG.warn("P2P listener failed", e);
            }
            return CompletableFuture.completedFuture(true);
        }
        try {
            return listener.onMessageAcked(peer, message);
        } catch (RuntimeException e) {
            LOG.warn("P2P listener failed on a message", e);
            return CompletableFuture.completedFuture(true);
        }
    }

    void sessionOpened(P2pSession s) {
        failures.remove(s.peer);
        notBefore.remove(s.peer);
        LOG.info("direct channel to {} open ({} ms after start)", shortKey(s.peer), (System.nanoTime() - s.createdNanos) / 1_000_000);
        notifyState(s, SessionState.OPEN, null);
    }

    void pathKnown(P2pSession s, CandidatePair pair) {
        try {
            listener.onPath(s.peer, s.sessionId, pair);
        } catch (RuntimeException e) {
            LOG.warn("P2P listener failed", e);
        }
        if (!pair.relayed()) {
            turnOutcomes.remove(s.peer);
        } else if (s.offerer && !s.directRetryScheduled && !config.relayOnly()) {
            // (relay-only never finds a direct pair: retrying would only drop a working channel every backoff)
            s.directRetryScheduled = true;
            int n = turnOutcomes.merge(s.peer, 1, Integer::sum);
            long wait = Math.min(config.directRetryMax().toMillis(), config.directRetryBase().toMillis() << Math.min(n - 1, 20));
            schedule(() -> retryDirect(s, wait), wait);
        }
    }

    /** Replaces a session that still sits on TURN with a fresh handshake, once nothing is in flight on it. */
    private void retryDirect(P2pSession s, long waitedMs) {
        if (closed || sessions.get(s.peer) != s || s.state() != SessionState.OPEN) return;
        CandidatePair p = s.path();
        if (p == null || !p.relayed()) return;   // ICE moved to a direct pair by itself meanwhile
        if (!s.quiet()) {
            schedule(() -> retryDirect(s, waitedMs), 1_000);
            return;
        }
        LOG.info("direct channel to {} still on {} after {} s: running ICE again for a direct path",
                shortKey(s.peer), PeerPath.name(p), waitedMs / 1000);
        s.close(SessionState.CLOSED, "on TURN for " + waitedMs / 1000 + " s, retrying for a direct path", true);
        startOffer(s.peer);
    }

    void sessionEnded(P2pSession s, SessionState end, String reason, List<Unacked> lost) {
        sessions.remove(s.peer, s);
        if (end == SessionState.FAILED) {
            int n = failures.merge(s.peer, 1, Integer::sum);
            long delay = Math.min(config.retryMax().toNanos(), config.retryBase().toNanos() << Math.min(n - 1, 20));
            notBefore.put(s.peer, System.nanoTime() + delay);
        }
        LOG.info("direct channel to {} {}: {}", shortKey(s.peer), end == SessionState.FAILED ? "failed" : "closed", reason);
        notifyState(s, end, reason);
        if (!lost.isEmpty()) {
            try {
                listener.onUnacked(s.peer, List.copyOf(lost));
            } catch (RuntimeException e) {
                LOG.warn("P2P listener failed", e);
            }
        }
    }

    /** The session's path became suspect: its unacked messages go back to the owner now; the session stays. */
    void sessionUntrusted(P2pSession s, String reason, List<Unacked> lost) {
        if (lost.isEmpty()) return;
        try {
            listener.onUnacked(s.peer, List.copyOf(lost));
        } catch (RuntimeException e) {
            LOG.warn("P2P listener failed", e);
        }
    }

    private void notifyState(P2pSession s, SessionState state, String reason) {
        try {
            listener.onStateChange(s.peer, s.sessionId, state, reason);
        } catch (RuntimeException e) {
            LOG.warn("P2P listener failed", e);
        }
    }

    // ---- engine thread ----

    private void startOffer(String peer) {
        if (closed || sessions.containsKey(peer)) return;
        Long nb = notBefore.get(peer);
        if (nb != null && System.nanoTime() - nb < 0) return;
        byte[] id = new byte[16];
        random.nextBytes(id);
        startSession(peer, Hex.encode(id), true, null);
    }

    private void startSession(String peer, String sessionId, boolean offerer, String offerSdp) {
        PeerConnectionFactory factory = natives.factory();
        if (factory == null) return;
        remember(peer, sessionId);
        P2pSession s = new P2pSession(this, peer, sessionId, offerer);
        sessions.put(peer, s);
        notifyState(s, SessionState.CONNECTING, null);
        s.start(factory, rtcConfiguration(), offerSdp);
        List<P2pSignal.Candidate> early = earlyCandidates.remove(peer + '|' + sessionId);
        if (early != null) early.forEach(s::addRemoteCandidate);
    }

    private RTCConfiguration rtcConfiguration() {
        RTCConfiguration cfg = new RTCConfiguration();
        for (IceServer s : iceServers) {
            RTCIceServer r = new RTCIceServer();
            r.urls = new ArrayList<>(s.urls());
            r.username = s.username() == null ? "" : s.username();
            r.password = s.credential() == null ? "" : s.credential();
            cfg.iceServers.add(r);
        }
        if (config.relayOnly()) cfg.iceTransportPolicy = RTCIceTransportPolicy.RELAY;
        cfg.portAllocatorConfig.setDisableTcp(config.disableTcp());
        return cfg;
    }

    private void onSignal(P2pSignal m) {
        if (closed || m == null) return;
        String from = m.from();
        if (!meshId.equals(m.meshId()) || !selfHex.equals(m.to())) {
            refuse(m, "addressed to another mesh or peer");
            return;
        }
        if (from == null || from.equals(selfHex) || !isMember.test(from)) {
            refuse(m, NOT_A_MEMBER);
            return;
        }
        if (!Hex.isHex(m.sessionId(), 32)) {
            refuse(m, "malformed session id");
            return;
        }
        P2pSession current = sessions.get(from);
        if (m instanceof P2pSignal.Sdp sdp) {
            if (sdp.sdp() == null || sdp.sdp().length() > MAX_SDP_CHARS) {
                refuse(m, "missing or oversized SDP");
            } else if (!SdpSignature.verify(sdp, from)) {
                refuse(m, "bad signature");
            } else if (P2pSignal.Sdp.OFFER.equals(sdp.type())) {
                onOffer(sdp, current);
            } else if (current != null && current.offerer && current.sessionId.equals(sdp.sessionId())) {
                current.onAnswer(sdp.sdp());
            } else {
                refuse(m, "answer for no pending offer of ours");
            }
        } else if (m instanceof P2pSignal.Candidate c) {
            if (current != null && current.sessionId.equals(c.sessionId())) {
                current.addRemoteCandidate(c);
            } else {
                List<P2pSignal.Candidate> list = earlyCandidates.computeIfAbsent(from + '|' + c.sessionId(), k -> new ArrayList<>());
                if (list.size() < EARLY_CANDIDATES_PER_KEY) list.add(c);
            }
        } else if (m instanceof P2pSignal.Close c) {
            earlyCandidates.remove(from + '|' + c.sessionId());
            if (current != null && current.sessionId.equals(c.sessionId())) {
                String why = c.reason() == null ? "" : c.reason().substring(0, Math.min(200, c.reason().length()));
                current.close(current.state() == SessionState.CONNECTING ? SessionState.FAILED : SessionState.CLOSED,
                        "remote closed: " + why, false);
            }
        }
    }

    private void onOffer(P2pSignal.Sdp offer, P2pSession current) {
        String from = offer.from();
        if (seen(from, offer.sessionId())) {
            refuse(offer, "replayed session id");
            return;
        }
        if (natives.factory() == null) {
            refuse(offer, "WebRTC unavailable here");
            signal(new P2pSignal.Close(meshId, selfHex, from, offer.sessionId(), "WebRTC unavailable"));
            return;
        }
        if (current != null) {
            if (current.offerer && current.state() == SessionState.CONNECTING) {
                // Glare: both sides offered. The smaller public key's offer wins.
                if (selfHex.compareTo(from) < 0) {
                    remember(from, offer.sessionId());
                    refuse(offer, "glare: our offer wins (smaller key)");
                    return;
                }
                // Abandon ours without a close signal (the peer ignores our offer) and without a backoff.
                sessions.remove(from, current);
                current.close(SessionState.CLOSED, "glare: peer's offer wins", false);
            } else {
                // A new signed offer replaces whatever we had (the peer restarted or renegotiates).
                current.close(SessionState.CLOSED, "replaced by a new offer from the peer", false);
            }
        }
        startSession(from, offer.sessionId(), false, offer.sdp());
    }

    private void refuse(P2pSignal m, String reason) {
        LOG.debug("refused {} from {}: {}", m.frameType(), shortKey(m.from()), reason);
        try {
            listener.onSignalRefused(m.from(), m.frameType(), reason);
        } catch (RuntimeException e) {
            LOG.warn("P2P listener failed", e);
        }
    }

    private boolean seen(String peer, String sessionId) {
        Set<String> ids = seenSessionIds.get(peer);
        return ids != null && ids.contains(sessionId);
    }

    private void remember(String peer, String sessionId) {
        Set<String> ids = seenSessionIds.computeIfAbsent(peer, k -> new LinkedHashSet<>());
        ids.add(sessionId);
        if (ids.size() > REMEMBERED_SESSION_IDS) ids.remove(ids.iterator().next());
    }

    private void sweep() {
        if (closed) return;
        long now = System.nanoTime();
        for (P2pSession s : new ArrayList<>(sessions.values())) {
            if (s.state() != SessionState.OPEN) continue;
            if (now - s.openedNanos() > config.maxLifetime().toNanos()) {
                s.close(SessionState.CLOSED, "lifetime of " + config.maxLifetime() + " reached", true);
                if (config.rehandshake()) startOffer(s.peer);
            } else if (now - s.lastActivityNanos() > config.idleTimeout().toNanos()) {
                s.close(SessionState.CLOSED, "idle timeout", true);
            }
        }
    }
}
