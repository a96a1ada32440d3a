package dev.meshwire.peer.p2p;

import dev.onvoid.webrtc.CreateSessionDescriptionObserver;
import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.PeerConnectionObserver;
import dev.onvoid.webrtc.RTCAnswerOptions;
import dev.onvoid.webrtc.RTCConfiguration;
import dev.onvoid.webrtc.RTCDataChannel;
import dev.onvoid.webrtc.RTCDataChannelBuffer;
import dev.onvoid.webrtc.RTCDataChannelInit;
import dev.onvoid.webrtc.RTCDataChannelObserver;
import dev.onvoid.webrtc.RTCDataChannelState;
import dev.onvoid.webrtc.RTCIceCandidate;
import dev.onvoid.webrtc.RTCOfferOptions;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCPeerConnectionState;
import dev.onvoid.webrtc.RTCSdpType;
import dev.onvoid.webrtc.RTCSessionDescription;
import dev.onvoid.webrtc.RTCStats;
import dev.onvoid.webrtc.RTCStatsReport;
import dev.onvoid.webrtc.RTCStatsType;
import dev.onvoid.webrtc.SetSessionDescriptionObserver;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One RTCPeerConnection with one ordered, reliable data channel ({@code meshwire}) to one peer, for
 * one session id.
 *
 * <p>Threading: every field is owned by the engine thread. Native callbacks (all on WebRTC's
 * signaling thread) only copy what they must and post to the engine thread; they never block and
 * never touch native objects, because the engine thread may be disposing them. The one exception is
 * {@code onDataChannel}, which registers the channel observer right there: a message that arrives
 * before the observer is installed is lost.
 */
final class P2pSession {
    private static final Logger LOG = LoggerFactory.getLogger(P2pSession.class);
    static final String LABEL = "meshwire";
    private static final Pattern MAX_MESSAGE_SIZE = Pattern.compile("a=max-message-size:(\\d+)");
    /** RFC 8841: an SDP without a=max-message-size allows 64 KiB. */
    private static final int DEFAULT_REMOTE_MAX = 65_536;
    private static final long DRAIN_RECHECK_MS = 10;
    /** A heartbeat goes out this often on an open channel (Tailscale's magicsock: 3 s). */
    static final long HEARTBEAT_INTERVAL_MS = 3_000;
    /** The path is trusted this long after the last frame heard from the peer (magicsock: 6.5 s). */
    static final long TRUST_MS = 6_500;
    /** After ICE reports DISCONNECTED the session is untrusted at once and closed if ICE has not recovered by then. */
    static final long DISCONNECT_GRACE_MS = 5_000;

    final P2pEngine engine;
    final String peer;
    final String sessionId;
    final boolean offerer;
    final long createdNanos = System.nanoTime();

    private RTCPeerConnection pc;
    private RTCDataChannel dc;
    private volatile SessionState state = SessionState.CONNECTING;
    private boolean remoteSet;
    private final List<RTCIceCandidate> remoteQueue = new ArrayList<>();
    private final SignalledCandidates signalled = new SignalledCandidates();
    private boolean localSdpSent;
    private final List<RTCIceCandidate> localQueue = new ArrayList<>();
    private long openedNanos;
    private volatile long lastActivityNanos = System.nanoTime();
    /** Last time any frame arrived from the peer (heartbeat pongs included): the path's proof of life. */
    private volatile long lastHeardNanos = System.nanoTime();
    /** False once the path is suspect (ICE disconnected): no new sends, everything unacked went back to the caller. */
    private volatile boolean trusted = true;
    private boolean heartbeatDue;
    private int heartbeatSeq;
    private ScheduledFuture<?> heartbeatTimer;
    private ScheduledFuture<?> trustTimer;
    private ScheduledFuture<?> disconnectTimer;
    private int frameBytes = ChannelFraming.MAX_FRAME_BYTES;
    private long nextMessageId = 1;
    private final ConcurrentLinkedQueue<Outgoing> queue = new ConcurrentLinkedQueue<>();
    private Outgoing current;
    /** Taken from the queue while a bundle was being filled, but did not fit it: goes next (engine thread only). */
    private Outgoing carried;
    private final LinkedHashMap<Long, Outgoing> unacked = new LinkedHashMap<>();
    private final FrameAssembler assembler;
    private final SendBacklog backlog;
    /** Last sign the peer consumes our messages: a message acked, or the backlog starting from empty. */
    private volatile long lastProgressNanos = System.nanoTime();
    private ScheduledFuture<?> stallTimer;
    private final AtomicBoolean pumpScheduled = new AtomicBoolean();
    /** Ids of received messages the owner has settled, whose ACK is not sent yet (any thread adds, the engine thread flushes). */
    private final ConcurrentLinkedQueue<Long> acksDue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean ackFlushScheduled = new AtomicBoolean();
    private volatile boolean waitingForDrain;
    private ScheduledFuture<?> connectTimer;
    private ScheduledFuture<?> statsTimer;
    private volatile CandidatePair path;
    /** The engine has a direct retry pending for this session (engine thread only). */
    boolean directRetryScheduled;

    /** A message taken by send, until acked or reported unacked. */
    static final class Outgoing {
        final byte[] payload;
        final CompletableFuture<Ack> future = new CompletableFuture<>();
        long id;
        int chunks;
        int nextChunk;
        long firstSentNanos;
        /** The engine's own heartbeat: never reported unacked, never counts as activity. */
        final boolean heartbeat;
        /** Already handed back to the caller (path untrusted): a late ack is ignored. */
        boolean reported;
        /** Counted out of the backlog (acked or reported); guards against counting it out twice. */
        boolean released;
        /** A bundle's messages (one BUNDLE frame, one id); null for a message of its own. */
        final List<Outgoing> parts;

        Outgoing(byte[] payload) {
            this(payload, false);
        }

        Outgoing(byte[] payload, boolean heartbeat) {
            this.payload = payload;
            this.heartbeat = heartbeat;
            this.parts = null;
        }

        /** A bundle of {@code parts}, sent as one BUNDLE frame (its payload is encoded once its id is known). */
        Outgoing(List<Outgoing> parts) {
            this.payload = new byte[0];
            this.heartbeat = false;
            this.parts = parts;
        }
    }

    P2pSession(P2pEngine engine, String peer, String sessionId, boolean offerer) {
        this.engine = engine;
        this.peer = peer;
        this.sessionId = sessionId;
        this.offerer = offerer;
        this.assembler = new FrameAssembler(engine.config().maxMessageBytes());
        this.backlog = new SendBacklog(engine.config().backlog());
    }

    SessionState state() {
        return state;
    }

    CandidatePair path() {
        return path;
    }

    /** Nothing queued, being sent or waiting for an ack: closing now costs no resend (engine thread). */
    boolean quiet() {
        return queue.isEmpty() && current == null && carried == null && unacked.values().stream().allMatch(o -> o.heartbeat);
    }

    /** Messages taken and not yet acked or handed back, and their payload bytes. */
    BacklogSize backlog() {
        return backlog.size();
    }

    /** False while the path is suspect (ICE disconnected): sends are refused and go to the relay. */
    boolean trusted() {
        return trusted;
    }

    long openedNanos() {
        return openedNanos;
    }

    long lastActivityNanos() {
        return lastActivityNanos;
    }

    // ---- handshake (engine thread) ----

    /** Creates the peer connection; as offerer also the channel and the offer, as answerer applies {@code offerSdp}. */
    void start(PeerConnectionFactory factory, RTCConfiguration cfg, String offerSdp) {
        connectTimer = engine.schedule(() -> {
            if (state == SessionState.CONNECTING) fail("no open channel within the connect timeout of " + engine.config().connectTimeout().toMillis() + " ms");
        }, engine.config().connectTimeout().toMillis());
        try {
            pc = factory.createPeerConnection(cfg, new Observer());
            if (pc == null) {
                fail("createPeerConnection returned null");
                return;
            }
            if (offerer) {
                RTCDataChannelInit init = new RTCDataChannelInit(); // ordered, reliable (no lifetime/retransmit limit)
                RTCDataChannel channel = pc.createDataChannel(LABEL, init);
                channel.registerObserver(new ChannelObserver(channel));
                dc = channel;
                pc.createOffer(new RTCOfferOptions(), new CreateObserver());
            } else {
                setRemote(RTCSdpType.OFFER, offerSdp, () -> pc.createAnswer(new RTCAnswerOptions(), new CreateObserver()));
            }
        } catch (RuntimeException e) {
            fail("peer connection setup failed: " + e.getMessage());
        }
    }

    /** The signed answer to our offer arrived (already verified by the engine). */
    void onAnswer(String sdp) {
        if (state != SessionState.CONNECTING || !offerer || remoteSet) return;
        setRemote(RTCSdpType.ANSWER, sdp, () -> {});
    }

    private void setRemote(RTCSdpType type, String sdp, Runnable then) {
        int remoteMax = remoteMaxMessageSize(sdp);
        if (remoteMax < ChannelFraming.MIN_FRAME_BYTES) {
            fail("peer allows only " + remoteMax + "-byte messages");
            return;
        }
        frameBytes = Math.min(ChannelFraming.MAX_FRAME_BYTES, remoteMax);
        pc.setRemoteDescription(new RTCSessionDescription(type, sdp), new SetObserver(() -> {
            remoteSet = true;
            for (RTCIceCandidate c : remoteQueue) pc.addIceCandidate(c);
            remoteQueue.clear();
            then.run();
        }, "setRemoteDescription"));
    }

    private void onLocalDescription(RTCSessionDescription desc) {
        pc.setLocalDescription(desc, new SetObserver(() -> {
            String type = offerer ? P2pSignal.Sdp.OFFER : P2pSignal.Sdp.ANSWER;
            engine.signal(SdpSignature.sign(engine.identity(), engine.meshId(), peer, sessionId, type, desc.sdp));
            localSdpSent = true;
            for (RTCIceCandidate c : localQueue) sendCandidate(c);
            localQueue.clear();
        }, "setLocalDescription"));
    }

    private void onLocalCandidate(RTCIceCandidate c) {
        if (state != SessionState.CONNECTING && state != SessionState.OPEN) return;
        if (!engine.candidateAllowed(c.sdp)) return;
        if (localSdpSent) sendCandidate(c); else localQueue.add(c);
    }

    private void sendCandidate(RTCIceCandidate c) {
        engine.signal(new P2pSignal.Candidate(engine.meshId(), engine.selfHex(), peer, sessionId, c.sdpMid, c.sdpMLineIndex, c.sdp));
    }

    /** A remote candidate for this session; queued until the remote description is set. */
    void addRemoteCandidate(P2pSignal.Candidate m) {
        if (state.terminal() || pc == null) return;
        if (m.candidate() == null || m.candidate().length() > 2048 || !engine.candidateAllowed(m.candidate())) return;
        RTCIceCandidate c = new RTCIceCandidate(m.mid(), m.mLineIndex(), m.candidate());
        signalled.add(m.candidate());
        if (remoteSet) pc.addIceCandidate(c); else if (remoteQueue.size() < 256) remoteQueue.add(c);
    }

    private void adoptChannel(RTCDataChannel channel) {
        if (state.terminal() || dc != null || !LABEL.equals(safeLabel(channel))) {
            disposeChannel(channel);
            return;
        }
        dc = channel;
        onChannelState(channel);
    }

    private void onChannelState(RTCDataChannel channel) {
        if (channel != dc || dc == null) return;
        RTCDataChannelState s = dc.getState();
        if (s == RTCDataChannelState.OPEN && state == SessionState.CONNECTING) {
            state = SessionState.OPEN;
            openedNanos = System.nanoTime();
            lastActivityNanos = openedNanos;
            if (connectTimer != null) connectTimer.cancel(false);
            lastHeardNanos = openedNanos;
            engine.sessionOpened(this);
            heartbeatTimer = engine.scheduleAtFixedRate(this::heartbeatTick, HEARTBEAT_INTERVAL_MS);
            stallTimer = engine.scheduleAtFixedRate(this::stallCheck, stallCheckPeriodMs(engine.config().backlog()));
            scheduleTrustCheck(TRUST_MS);
            requestStats();
            scheduleStatsRefresh(0);
            schedulePump();
        } else if (s == RTCDataChannelState.CLOSING || s == RTCDataChannelState.CLOSED) {
            if (state == SessionState.CONNECTING) fail("data channel closed before it opened");
            else close(SessionState.CLOSED, "data channel closed", true);
        }
    }

    private void onConnectionState(RTCPeerConnectionState s) {
        if (state.terminal()) return;
        if (s == RTCPeerConnectionState.DISCONNECTED && state == SessionState.OPEN) {
            // ICE lost the path. It may come back, but nothing new goes over it meanwhile and what is
            // unacked goes to the relay now (the receiver dedupes if the path does come back).
            untrust("ICE disconnected");
            if (disconnectTimer == null) {
                disconnectTimer = engine.schedule(() -> {
                    disconnectTimer = null;
                    if (state == SessionState.OPEN && !trusted) {
                        close(SessionState.CLOSED, "ICE disconnected for " + DISCONNECT_GRACE_MS + " ms", true);
                    }
                }, DISCONNECT_GRACE_MS);
            }
        } else if (s == RTCPeerConnectionState.CONNECTED && state == SessionState.OPEN && !trusted) {
            trusted = true;
            if (disconnectTimer != null) disconnectTimer.cancel(false);
            disconnectTimer = null;
            LOG.info("direct channel to {}: ICE connected again, sending direct again", engine.shortKey(peer));
        } else if (s == RTCPeerConnectionState.FAILED) {
            if (state == SessionState.CONNECTING) fail("ICE/DTLS failed");
            else close(SessionState.CLOSED, "connection failed", true);
        } else if (s == RTCPeerConnectionState.CLOSED) {
            close(state == SessionState.CONNECTING ? SessionState.FAILED : SessionState.CLOSED, "peer connection closed", true);
        }
    }

    /**
     * Delays between re-reads of the selected pair after the channel opened, then {@link #STATS_STEADY_MS} for as
     * long as it stays open. ICE often opens on whatever pair succeeded first (a TURN pair when the peers' NATs
     * drop each other's first checks) and switches to a direct pair a few seconds later, when the hole punching
     * checks succeed; webrtc-java has no selected-pair-changed callback, so the path users see must be polled.
     */
    private static final long[] STATS_BACKOFF_MS = {500, 1_000, 2_000, 3_000, 5_000, 8_000};
    private static final long STATS_STEADY_MS = 15_000;

    private void scheduleStatsRefresh(int round) {
        long delay = round < STATS_BACKOFF_MS.length ? STATS_BACKOFF_MS[round] : STATS_STEADY_MS;
        statsTimer = engine.schedule(() -> {
            if (state != SessionState.OPEN) return;
            requestStats();
            scheduleStatsRefresh(round + 1);
        }, delay);
    }

    private void requestStats() {
        RTCPeerConnection p = pc;
        if (p == null) return;
        p.getStats(report -> {
            CandidatePair pair = selectedPair(report, signalled);
            if (pair != null) engine.post(() -> {
                if (state == SessionState.OPEN && !pair.equals(path)) {
                    if (path != null) {
                        LOG.info("direct channel to {} moved from {} to {}", engine.shortKey(peer), PeerPath.name(path), PeerPath.name(pair));
                    }
                    path = pair;
                    engine.pathKnown(this, pair);
                }
            });
        });
    }

    // ---- heartbeat and trust (engine thread) ----

    private void heartbeatTick() {
        if (state != SessionState.OPEN || engine.muteHeartbeats) return;
        heartbeatDue = true;
        schedulePump();
    }

    private void scheduleTrustCheck(long delayMs) {
        trustTimer = engine.schedule(this::trustCheck, Math.max(1, delayMs));
    }

    /** Closes the session once nothing was heard from the peer for {@link #TRUST_MS}; else looks again when that could happen. */
    private void trustCheck() {
        if (state != SessionState.OPEN) return;
        long silentMs = (System.nanoTime() - lastHeardNanos) / 1_000_000;
        if (silentMs >= TRUST_MS) {
            LOG.info("direct channel to {}: nothing heard for {} ms (heartbeats unanswered); closing it, unacked messages go to the relay",
                    engine.shortKey(peer), silentMs);
            close(SessionState.CLOSED, "no heartbeat reply for " + silentMs + " ms", true);
        } else {
            scheduleTrustCheck(TRUST_MS - silentMs);
        }
    }

    /** A quarter of the stall timeout, between 100 ms and 5 s: a stall is seen at most that late. */
    static long stallCheckPeriodMs(BacklogLimits limits) {
        return Math.max(100, Math.min(5_000, limits.stallTimeout().toMillis() / 4));
    }

    /**
     * Closes the session when messages wait and none was acked for the stall timeout: the peer is alive
     * enough to answer heartbeats (else the trust rule would have closed it) but does not take our
     * messages — it stopped reading, or never acks. Its unacked messages go back to the caller for the relay.
     */
    private void stallCheck() {
        if (state != SessionState.OPEN || backlog.empty()) return;
        long waitedMs = (System.nanoTime() - lastProgressNanos) / 1_000_000;
        long limit = engine.config().backlog().stallTimeout().toMillis();
        if (waitedMs < limit) return;
        BacklogSize size = backlog.size();
        LOG.info("direct channel to {}: {} messages ({} bytes) waiting and no ack for {} ms; closing it as stalled, they go to the relay",
                engine.shortKey(peer), size.messages(), size.bytes(), waitedMs);
        engine.sessionStalled();
        close(SessionState.CLOSED, P2pEngine.STALLED + ": " + size.messages() + " messages waiting, no ack for " + waitedMs + " ms", true);
    }

    /** Counts {@code o} out of the backlog once, when it is acked or handed back. */
    private void release(Outgoing o) {
        if (o.parts != null) {
            for (Outgoing p : o.parts) release(p);
            return;
        }
        if (o.heartbeat || o.released) return;
        o.released = true;
        backlog.release(o.payload.length);
    }

    /**
     * Stops trusting the path: new sends are refused (the caller uses the relay) and every message not
     * yet acked is handed back now, as if the channel had died. A message whose chunks are half sent
     * keeps going out (the peer's framing needs the rest), but its ack no longer counts.
     */
    void untrust(String reason) {
        if (!trusted || state != SessionState.OPEN) return;
        trusted = false;
        List<Outgoing> lost = new ArrayList<>();
        for (Outgoing o : unacked.values()) if (!o.heartbeat) lost.add(o);
        unacked.values().removeIf(o -> !o.heartbeat);
        if (current != null && !current.heartbeat && !lost.contains(current)) lost.add(current);
        if (carried != null) lost.add(carried);
        carried = null;
        for (Outgoing o; (o = queue.poll()) != null; ) lost.add(o);
        LOG.info("direct channel to {} no longer trusted ({}): {} unacked messages go to the relay", engine.shortKey(peer), reason, lost.size());
        engine.sessionUntrusted(this, reason, report(lost, "no longer trusted: " + reason));
    }

    private List<Unacked> report(List<Outgoing> lost, String reason) {
        List<Outgoing> each = new ArrayList<>(lost.size());
        for (Outgoing o : lost) {
            if (o.parts == null) {
                each.add(o);
            } else if (!o.reported) {
                o.reported = true; // the bundle itself: never sent (or its late ack ignored) once its messages went back
                each.addAll(o.parts);
            }
        }
        List<Unacked> out = new ArrayList<>(each.size());
        for (Outgoing o : each) {
            if (o.heartbeat || o.reported) continue;
            o.reported = true;
            release(o);
            out.add(new Unacked(peer, sessionId, o.id, o.payload));
            o.future.completeExceptionally(new P2pException(P2pException.CHANNEL_CLOSED,
                    "direct channel to " + engine.shortKey(peer) + " closed before the ack (" + reason + ")", o.payload));
        }
        return out;
    }

    // ---- sending (any thread enqueues, engine thread pumps) ----

    CompletableFuture<Ack> enqueue(byte[] payload) {
        long held = backlog.admit(payload.length);
        if (held < 0) {
            BacklogSize size = backlog.size();
            engine.backlogRefused();
            BacklogLimits limits = engine.config().backlog();
            return CompletableFuture.failedFuture(new P2pException(P2pException.BACKLOG_FULL, "the direct channel to "
                    + engine.shortKey(peer) + " already holds " + size.messages() + " messages (" + size.bytes()
                    + " bytes) that the peer has not acked (limits " + limits.maxMessages() + " messages, " + limits.maxBytes() + " bytes)"));
        }
        // The stall clock starts when something starts waiting; acks restart it.
        if (held == payload.length) lastProgressNanos = System.nanoTime();
        engine.backlogHeld(held);
        Outgoing o = new Outgoing(payload);
        queue.add(o);
        if (state != SessionState.OPEN || !trusted) {
            // Raced with close: whoever removes it from the queue reports it, so it is reported once.
            if (queue.remove(o)) {
                o.reported = true;
                release(o);
                o.future.completeExceptionally(new P2pException(P2pException.NO_CHANNEL, "direct channel to " + engine.shortKey(peer) + " is not open"));
            }
            return o.future;
        }
        schedulePump();
        return o.future;
    }

    private void schedulePump() {
        if (pumpScheduled.compareAndSet(false, true)) engine.post(this::pump);
    }

    /** Hands frames to the channel until the queue is empty or bufferedAmount is above the watermark. Never waits. */
    private void pump() {
        pumpScheduled.set(false);
        if (state != SessionState.OPEN || dc == null) return;
        // bufferedAmount is a blocking call into libwebrtc's threads (as costly as a send): it is read once, then
        // estimated as that reading plus what this pass handed over — never below the real amount, which only drains —
        // and read again only when the estimate reaches the threshold.
        long buffered = -1;
        try {
            while (true) {
                if (current == null) {
                    if (heartbeatDue) {
                        // Between two messages (never inside one: chunks are not interleaved), ahead of the queue.
                        heartbeatDue = false;
                        current = new Outgoing(ChannelPayload.heartbeat(++heartbeatSeq), true);
                    } else {
                        current = carried != null ? carried : queue.poll();
                        carried = null;
                        if (current != null) current = bundled(current);
                    }
                    if (current == null) return;
                    current.id = nextMessageId++;
                    current.chunks = current.parts != null ? 1 : ChannelFraming.chunkCount(current.payload.length, frameBytes);
                }
                if (current.reported && current.nextChunk == 0) {
                    current = null; // handed back to the caller before its first chunk went out: the relay has it
                    continue;
                }
                long threshold = waitingForDrain ? engine.config().lowWatermark() : engine.config().highWatermark();
                if (buffered < 0 || buffered > threshold) buffered = dc.getBufferedAmount();
                if (buffered > threshold) {
                    waitingForDrain = true;
                    // onBufferedAmountChange normally wakes us; this re-check covers a drain that finished
                    // between reading the amount and setting the flag.
                    engine.schedule(this::schedulePump, DRAIN_RECHECK_MS);
                    return;
                }
                waitingForDrain = false;
                byte[] frame = current.parts != null ? ChannelFraming.encodeBundle(current.id, payloads(current.parts))
                        : ChannelFraming.encodeChunk(current.id, current.payload, current.nextChunk, frameBytes);
                if (current.nextChunk == 0) {
                    current.firstSentNanos = System.nanoTime();
                    unacked.put(current.id, current);
                }
                // A heap buffer is sent whole (webrtc-java ignores position/limit), so each frame is its own array.
                dc.send(new RTCDataChannelBuffer(ByteBuffer.wrap(frame), true));
                buffered += frame.length;
                current.nextChunk++;
                if (!current.heartbeat) lastActivityNanos = System.nanoTime();
                if (current.nextChunk == current.chunks) current = null;
            }
        } catch (Exception e) {
            close(SessionState.CLOSED, "send failed: " + e.getMessage(), true);
        }
    }

    /** The largest message that goes into a bundle; larger ones go in frames of their own. */
    static final int BUNDLE_PART_MAX_BYTES = 16 * 1024;
    /** A bundle frame is at most this (and at most the peer's frame size). */
    static final int BUNDLE_MAX_BYTES = 64 * 1024;

    /**
     * {@code first} together with the small messages queued behind it, as one bundle, when the peer declares
     * {@link ChannelFraming#FEATURE_BUNDLES} and at least one more fits; else {@code first} alone. Never waits for
     * messages to come: a bundle is only what already queued up while the channel was busy, so it adds no latency.
     */
    private Outgoing bundled(Outgoing first) {
        int cap = Math.min(frameBytes, BUNDLE_MAX_BYTES);
        int size = ChannelFraming.BUNDLE_HEADER_BYTES + ChannelFraming.BUNDLE_ENTRY_BYTES + first.payload.length;
        if (first.reported || first.payload.length > BUNDLE_PART_MAX_BYTES || size > cap || queue.isEmpty()
                || !engine.peerDeclares(peer, ChannelFraming.FEATURE_BUNDLES)) {
            return first;
        }
        List<Outgoing> parts = new ArrayList<>();
        parts.add(first);
        for (Outgoing o; parts.size() < 0xffff && (o = queue.poll()) != null; ) {
            if (o.reported) continue; // handed back already: the relay has it
            int with = size + ChannelFraming.BUNDLE_ENTRY_BYTES + o.payload.length;
            if (o.payload.length > BUNDLE_PART_MAX_BYTES || with > cap) {
                carried = o;
                break;
            }
            parts.add(o);
            size = with;
        }
        return parts.size() == 1 ? first : new Outgoing(parts);
    }

    private static List<byte[]> payloads(List<Outgoing> parts) {
        List<byte[]> out = new ArrayList<>(parts.size());
        for (Outgoing p : parts) out.add(p.payload);
        return out;
    }

    // ---- receiving (engine thread) ----

    /**
     * The owner settled message {@code messageId} (any thread): its ACK goes out with the next flush on the engine
     * thread, together with every other ACK that became due meanwhile — a group commit's worth of messages is
     * acked with one engine wake-up, and with one ACKS frame to a peer that takes them.
     */
    private void ackDue(long messageId) {
        acksDue.add(messageId);
        if (ackFlushScheduled.compareAndSet(false, true)) engine.post(this::flushAcks);
    }

    /** Sends every ACK that is due: ACKS frames to a peer that declares {@link ChannelFraming#FEATURE_ACK_GROUPS}, else one ACK each. */
    private void flushAcks() {
        ackFlushScheduled.set(false);
        int n = acksDue.size();
        if (n == 0) return;
        long[] ids = new long[n];
        int k = 0;
        for (Long id; k < n && (id = acksDue.poll()) != null; ) ids[k++] = id;
        if (engine.holdAcks) return;
        if (k > 1 && engine.peerDeclares(peer, ChannelFraming.FEATURE_ACK_GROUPS)) {
            int per = ChannelFraming.acksPerFrame(frameBytes);
            for (int from = 0; from < k; from += per) sendControlFrame(ChannelFraming.encodeAcks(ids, from, Math.min(k, from + per)));
        } else {
            for (int i = 0; i < k; i++) sendAckFrame(ids[i]);
        }
    }

    /** A peer's ACK of our message {@code messageId}: completes its send (engine thread). */
    private void acked(long messageId, long now) {
        Outgoing o = unacked.get(messageId);
        // Only a completely sent message can be acked; anything else is a confused peer: ignore it.
        if (o == null || o == current) return;
        unacked.remove(messageId);
        if (o.heartbeat) return; // a pong: proof of life only, not activity
        lastActivityNanos = now;
        lastProgressNanos = now;
        release(o);
        if (o.parts == null) {
            o.future.complete(new Ack(peer, sessionId, o.id, o.payload.length, now - o.firstSentNanos));
        } else if (!o.reported) {
            for (Outgoing p : o.parts) p.future.complete(new Ack(peer, sessionId, o.id, p.payload.length, now - o.firstSentNanos));
        }
    }

    private void sendAckFrame(long messageId) {
        sendControlFrame(ChannelFraming.encodeAck(messageId));
    }

    /** Sends an ACK or ACKS frame while the channel is open; a failed send closes the session (engine thread). */
    private void sendControlFrame(byte[] frame) {
        if (state != SessionState.OPEN || dc == null) return;
        try {
            dc.send(new RTCDataChannelBuffer(ByteBuffer.wrap(frame), true));
        } catch (Exception e) {
            close(SessionState.CLOSED, "send failed: " + e.getMessage(), true);
        }
    }

    private void onFrame(byte[] raw) {
        if (state != SessionState.OPEN) return;
        long now = System.nanoTime();
        lastHeardNanos = now; // any frame proves the peer and the path alive
        try {
            ChannelFraming.Frame f = ChannelFraming.decode(raw);
            if (f instanceof ChannelFraming.AckFrame a) {
                engine.ackFrames.incrementAndGet();
                acked(a.messageId(), now);
            } else if (f instanceof ChannelFraming.AcksFrame a) {
                engine.ackGroupFrames.incrementAndGet();
                for (long id : a.messageIds()) acked(id, now);
            } else if (f instanceof ChannelFraming.Bundle bundle) {
                if (assembler.partial()) throw new FramingException("bundle " + bundle.messageId() + " while a chunked message is incomplete");
                lastActivityNanos = now;
                engine.bundles.incrementAndGet();
                long id = bundle.messageId();
                // Each message goes to the owner in order; the bundle is acked once every one of them is settled.
                CompletableFuture<?>[] settled = new CompletableFuture<?>[bundle.messages().size()];
                for (int i = 0; i < settled.length; i++) settled[i] = engine.deliver(peer, bundle.messages().get(i)).toCompletableFuture();
                CompletableFuture.allOf(settled).whenComplete((v, t) -> {
                    if (t != null) return;
                    for (CompletableFuture<?> one : settled) if (!Boolean.TRUE.equals(one.getNow(null))) return;
                    ackDue(id);
                });
            } else if (f instanceof ChannelFraming.Data d) {
                if (d.chunkIndex() == 0 && d.chunkCount() == 1 && ChannelPayload.isHeartbeat(d.chunk())) {
                    // The peer's heartbeat: answered here at once (its ack is the pong), never delivered.
                    byte[] none = assembler.accept(d);
                    if (none != null && !engine.muteHeartbeats) sendAckFrame(d.messageId());
                    return;
                }
                lastActivityNanos = now;
                byte[] message = assembler.accept(d);
                if (message == null) return;
                long id = d.messageId();
                java.util.concurrent.CompletableFuture<Boolean> settled = engine.deliver(peer, message).toCompletableFuture();
                // Acked when the owner settles it (at once, or e.g. after its inbox commit), in the next flush. If the
                // session has ended by then no ack goes out and the sender resends via the relay.
                settled.whenComplete((ok, t) -> {
                    if (t == null && Boolean.TRUE.equals(ok)) ackDue(id);
                });
            }
        } catch (FramingException e) {
            LOG.warn("closing direct channel to {}: {}", engine.shortKey(peer), e.getMessage());
            close(SessionState.CLOSED, "framing error: " + e.getMessage(), true);
        } catch (OutOfMemoryError e) {
            // A big message that does not fit the heap must not silently lose a chunk and desync the
            // stream: end the session cleanly (the sender resends its unacked messages via the relay).
            LOG.warn("closing direct channel to {}: out of memory while reassembling a message", engine.shortKey(peer));
            close(SessionState.CLOSED, "out of memory while reassembling a message", true);
        } catch (Exception e) {
            close(SessionState.CLOSED, "ack send failed: " + e.getMessage(), true);
        }
    }

    /** Test hook: puts {@code frame} on the channel as is, bypassing framing (to play a broken peer). */
    void sendRawForTest(byte[] frame) {
        if (state != SessionState.OPEN || dc == null) return;
        try {
            dc.send(new RTCDataChannelBuffer(ByteBuffer.wrap(frame), true));
        } catch (Exception e) {
            close(SessionState.CLOSED, "send failed: " + e.getMessage(), true);
        }
    }

    // ---- ending (engine thread) ----

    void fail(String reason) {
        close(SessionState.FAILED, reason, true);
    }

    /**
     * Ends the session once: tells the peer (if asked), releases the native objects in the order
     * that was seen not to crash (channel observer, channel close, channel dispose, then peer
     * connection close), and fails every message that was taken but not acked.
     */
    void close(SessionState end, String reason, boolean notifyRemote) {
        if (state.terminal()) return;
        state = end;
        if (connectTimer != null) connectTimer.cancel(false);
        if (statsTimer != null) statsTimer.cancel(false);
        if (heartbeatTimer != null) heartbeatTimer.cancel(false);
        if (trustTimer != null) trustTimer.cancel(false);
        if (disconnectTimer != null) disconnectTimer.cancel(false);
        if (stallTimer != null) stallTimer.cancel(false);
        if (notifyRemote) engine.signal(new P2pSignal.Close(engine.meshId(), engine.selfHex(), peer, sessionId, reason));
        disposeChannel(dc);
        dc = null;
        if (pc != null) {
            try {
                pc.close();
            } catch (Throwable t) {
                LOG.debug("pc.close failed", t);
            }
            pc = null;
        }
        List<Outgoing> lost = new ArrayList<>(unacked.values());
        unacked.clear();
        if (current != null && !lost.contains(current)) lost.add(current);
        current = null;
        if (carried != null) lost.add(carried);
        carried = null;
        for (Outgoing o; (o = queue.poll()) != null; ) lost.add(o);
        engine.sessionEnded(this, end, reason, report(lost, reason));
    }

    private static void disposeChannel(RTCDataChannel channel) {
        if (channel == null) return;
        try {
            channel.unregisterObserver();
            channel.close();
            channel.dispose();
        } catch (Throwable t) {
            LOG.debug("data channel dispose failed", t);
        }
    }

    private static String safeLabel(RTCDataChannel channel) {
        try {
            return channel.getLabel();
        } catch (RuntimeException e) {
            return null;
        }
    }

    // ---- helpers ----

    static int remoteMaxMessageSize(String sdp) {
        Matcher m = MAX_MESSAGE_SIZE.matcher(sdp);
        if (!m.find()) return DEFAULT_REMOTE_MAX;
        try {
            long v = Long.parseLong(m.group(1));
            return v == 0 || v > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) v; // 0 = no limit
        } catch (NumberFormatException e) {
            return DEFAULT_REMOTE_MAX;
        }
    }

    /** Reads the nominated, succeeded candidate pair from a stats report; null if there is none. */
    static CandidatePair selectedPair(RTCStatsReport report, SignalledCandidates signalled) {
        Map<String, RTCStats> all = report.getStats();
        String pairId = null;
        for (RTCStats s : all.values()) {
            if (s.getType() == RTCStatsType.TRANSPORT && s.getAttributes().get("selectedCandidatePairId") != null) {
                pairId = String.valueOf(s.getAttributes().get("selectedCandidatePairId"));
            }
        }
        RTCStats pair = pairId == null ? null : all.get(pairId);
        if (pair == null) {
            for (RTCStats s : all.values()) {
                if (s.getType() != RTCStatsType.CANDIDATE_PAIR) continue;
                Map<String, Object> a = s.getAttributes();
                if ("true".equalsIgnoreCase(String.valueOf(a.get("nominated")))
                        && "succeeded".equalsIgnoreCase(String.valueOf(a.get("state")))) {
                    pair = s;
                    break;
                }
            }
        }
        if (pair == null) return null;
        RTCStats local = all.get(String.valueOf(pair.getAttributes().get("localCandidateId")));
        RTCStats remote = all.get(String.valueOf(pair.getAttributes().get("remoteCandidateId")));
        if (local == null || remote == null) return null;
        // For a local relay candidate "protocol" is the relayed address's (always udp); the leg to the
        // TURN server, which is what "turn tcp" means to a user behind a UDP-hostile network, is relayProtocol.
        String localProtocol = attr(local, "protocol");
        if ("relay".equals(attr(local, "candidateType")) && !"unknown".equals(attr(local, "relayProtocol"))) {
            localProtocol = attr(local, "relayProtocol");
        }
        String remoteType = attr(remote, "candidateType");
        if ("prflx".equals(remoteType)) remoteType = signalledType(all, remote, signalled);
        return new CandidatePair(attr(local, "candidateType"), localProtocol, remoteType, attr(remote, "protocol"));
    }

    /**
     * What a peer-reflexive remote candidate really is: the type of the candidate the peer trickled with the same
     * address and port, else {@code prflx}. When a check from the peer reaches us before the candidate it came from
     * was trickled, ICE learns that address as prflx. Left as is, the same channel would read "direct host" at one
     * end and "direct prflx" at the other (a LAN, where the check simply won the race with signalling), or "direct
     * prflx" while every packet goes through TURN (the peer's relayed address, or an address-filtering NAT that only
     * admits the TURN server's address, which STUN and TURN share). The trickled candidate, present in the same
     * report once it arrived, names it; a relay candidate wins over any other at the same address. The report lists
     * only candidates some pair still uses, so the session's own record of what the peer trickled is asked first.
     */
    static String signalledType(Map<String, RTCStats> all, RTCStats remote, SignalledCandidates signalled) {
        String address = address(remote);
        String port = attr(remote, "port");
        String trickled = signalled.typeOf(address, port);
        if (trickled != null) return trickled;
        String found = "prflx";
        for (RTCStats s : all.values()) {
            if (s.getType() != RTCStatsType.REMOTE_CANDIDATE || s == remote) continue;
            String type = attr(s, "candidateType");
            if ("prflx".equals(type) || !address.equals(address(s)) || !port.equals(attr(s, "port"))) continue;
            if ("relay".equals(type)) return "relay";
            found = type;
        }
        return found;
    }

    /** A candidate's IP: {@code address} in current stats, {@code ip} in older ones. */
    private static String address(RTCStats s) {
        String a = attr(s, "address");
        return "unknown".equals(a) ? attr(s, "ip") : a;
    }

    private static String attr(RTCStats s, String name) {
        Object v = s.getAttributes().get(name);
        return v == null ? "unknown" : String.valueOf(v).toLowerCase();
    }

    // ---- native callbacks: copy, post, return ----

    private final class Observer implements PeerConnectionObserver {
        @Override
        public void onIceCandidate(RTCIceCandidate candidate) {
            engine.post(() -> onLocalCandidate(candidate));
        }

        @Override
        public void onConnectionChange(RTCPeerConnectionState s) {
            engine.post(() -> onConnectionState(s));
        }

        @Override
        public void onDataChannel(RTCDataChannel channel) {
            channel.registerObserver(new ChannelObserver(channel));
            engine.post(() -> adoptChannel(channel));
        }
    }

    private final class ChannelObserver implements RTCDataChannelObserver {
        private final RTCDataChannel channel;

        ChannelObserver(RTCDataChannel channel) {
            this.channel = channel;
        }

        @Override
        public void onBufferedAmountChange(long previousAmount) {
            if (waitingForDrain) schedulePump();
        }

        @Override
        public void onStateChange() {
            engine.post(() -> onChannelState(channel));
        }

        @Override
        public void onMessage(RTCDataChannelBuffer buffer) {
            // The native buffer is only valid during this call: copy it here.
            ByteBuffer data = buffer.data;
            byte[] copy = new byte[data.remaining()];
            data.get(copy);
            engine.post(() -> onFrame(copy));
        }
    }

    private final class CreateObserver implements CreateSessionDescriptionObserver {
        @Override
        public void onSuccess(RTCSessionDescription description) {
            engine.post(() -> {
                if (state == SessionState.CONNECTING && pc != null) onLocalDescription(description);
            });
        }

        @Override
        public void onFailure(String error) {
            engine.post(() -> fail("create " + (offerer ? "offer" : "answer") + " failed: " + error));
        }
    }

    private final class SetObserver implements SetSessionDescriptionObserver {
        private final Runnable then;
        private final String what;

        SetObserver(Runnable then, String what) {
            this.then = then;
            this.what = what;
        }

        @Override
        public void onSuccess() {
            engine.post(() -> {
                if (state == SessionState.CONNECTING && pc != null) then.run();
            });
        }

        @Override
        public void onFailure(String error) {
            engine.post(() -> fail(what + " failed: " + error));
        }
    }

    @Override
    public String toString() {
        return "P2pSession[" + engine.shortKey(peer) + " " + sessionId.substring(0, 8) + " " + state + (offerer ? " offerer" : " answerer") + "]";
    }
}
