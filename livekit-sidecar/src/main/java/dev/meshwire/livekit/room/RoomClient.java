package dev.meshwire.livekit.room;

import dev.meshwire.peer.p2p.NativeWebRtc;
import dev.onvoid.webrtc.PeerConnectionFactory;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import livekit.LivekitModels.ParticipantInfo;

/**
 * A participant in one LiveKit room, for data only: joins over LiveKit's signal protocol, keeps the room's
 * presence, sends reliable user packets to chosen identities and reports the packets it receives.
 *
 * <p><b>Resume and reconnect.</b> When only the signal connection drops (or pongs stop), the session <em>resumes</em>
 * as LiveKit's SDKs do: {@code /rtc?reconnect=1&sid=…} with the server's latest {@code refresh_token}, a
 * {@code SyncState}, and ICE restarts on the same PeerConnections, whose data channels never close (nothing sent on
 * them is lost or repeated). When the server answers the resume with a leave, the resume fails, or a transport
 * drops, the client joins again with a fresh token (full re-join: new signal socket, new PeerConnections), waiting
 * {@code retryMin} doubling to {@code retryMax} between attempts, for as long as it is open. A refusal of the
 * <em>first</em> join (bad token, room not allowed) is terminal: {@link #connected()} fails with the server's reason.
 * After one successful join every failure is retried (a restarting server refuses briefly).
 *
 * <p><b>Delivery.</b> LiveKit acknowledges nothing end to end: a packet is <em>accepted</em> once it was written to the
 * open {@code _reliable} channel (ordered, reliable SCTP) and left its send buffer, but an SFU that dies right
 * after loses what it accepted. So {@link #send} completes only once the packet <em>settled</em>: accepted, and the
 * same connection was still up {@link RoomConfig#settle()} later. If the connection drops before that, {@code send}
 * fails ("dropped before the packet settled") and the caller sends it again after the re-join, with the same
 * {@code UserPacket.id}: at least once, a receiver may see a copy (same id). {@code send} also fails at once when the
 * room is not connected (nothing is queued for a room that is away: the caller keeps the message), and on
 * {@link #close()}.
 *
 * <p><b>Presence.</b> {@link RoomListener#onParticipantJoined} / {@code onParticipantLeft} are reported once per
 * change, reconciled across re-joins (who left while we were away is reported as left after the re-join).
 *
 * <p>Threading: one thread per client owns all state; listener calls come on it.
 */
public final class RoomClient implements AutoCloseable {
    private final RoomConfig config;
    private final RoomToken token;
    private final RoomListener listener;
    private final ScheduledThreadPoolExecutor exec;
    private final HttpClient http;
    private final PeerConnectionFactory factory;
    private final CompletableFuture<Void> firstJoin = new CompletableFuture<>();
    /** Present participants by identity (room thread). */
    private final Map<String, RoomParticipant> present = new LinkedHashMap<>();
    private RoomSession session;
    /** Packets sent and not yet settled, in send order (room thread): re-sent, in order, after a re-join. */
    private final java.util.ArrayDeque<Outgoing> unsettled = new java.util.ArrayDeque<>();
    private long retryMs;
    /** The latest token the server handed out ({@code refresh_token}), for later re-joins (room thread). */
    private String refreshed;
    /** What {@link RoomToken#next()} returned last time (room thread): a token file that did not change since. */
    private String lastFromSource;
    private final AtomicLong tokenRefreshes = new AtomicLong();
    private boolean everJoined;
    private volatile boolean closed;
    private volatile boolean connected;
    private final AtomicLong joins = new AtomicLong();
    private final AtomicLong resumes = new AtomicLong();
    private final AtomicLong packetsOut = new AtomicLong();
    private final AtomicLong bytesOut = new AtomicLong();
    private final AtomicLong packetsIn = new AtomicLong();
    private final AtomicLong bytesIn = new AtomicLong();
    private final AtomicLong streamsOut = new AtomicLong();
    private final AtomicLong streamsIn = new AtomicLong();
    private final AtomicLong streamsRefused = new AtomicLong();
    /** Incoming data streams being reassembled (room thread). */
    private final StreamAssembler streams;

    /**
     * Creates the client; nothing connects until {@link #start()}.
     *
     * @throws RoomException when WebRTC cannot load in this process (the reason names the missing package)
     */
    public RoomClient(RoomConfig config, RoomToken token, RoomListener listener) {
        this.config = config;
        this.token = token;
        this.listener = listener;
        this.factory = NativeWebRtc.get().factory();
        if (factory == null) throw new RoomException("WebRTC is unavailable: " + NativeWebRtc.get().unavailableReason());
        this.exec = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "livekit-room-" + config.room());
            t.setDaemon(true);
            return t;
        });
        exec.setRemoveOnCancelPolicy(true);
        this.http = HttpClient.newBuilder().connectTimeout(config.joinTimeout()).build();
        this.retryMs = config.retryMin().toMillis();
        this.streams = new StreamAssembler(config.maxStreamBytes(), new StreamAssembler.Sink() {
            @Override
            public void complete(RoomData data) {
                streamsIn.incrementAndGet();
                packetsIn.incrementAndGet();
                bytesIn.addAndGet(data.payload().length);
                listener.onData(data);
            }

            @Override
            public void refused(String fromIdentity, String topic, String streamId, String reason) {
                streamsRefused.incrementAndGet();
                listener.onRefused(fromIdentity, topic, "data stream " + streamId + " from " + fromIdentity + ": " + reason);
            }
        });
    }

    /** Starts joining in the background. Returns {@link #connected()}. */
    public CompletableFuture<Void> start() {
        post(this::join);
        return firstJoin;
    }

    /** Completes at the first successful join; fails with {@link RoomException} when the first join is refused. */
    public CompletableFuture<Void> connected() {
        return firstJoin;
    }

    /** The largest payload {@link #send} accepts. */
    public int maxPayloadBytes() {
        return config.maxPayloadBytes();
    }

    /** The largest payload {@link #sendStream} accepts, and the largest incoming data stream reassembled. */
    public int maxStreamBytes() {
        return config.maxStreamBytes();
    }

    /** Data streams since start: sent (settled), received whole, refused (over the limit, broken, aborted). */
    public StreamStats streamStats() {
        return new StreamStats(streamsOut.get(), streamsIn.get(), streamsRefused.get());
    }

    /** True while joined with an open reliable channel. */
    public boolean isConnected() {
        return connected;
    }

    /** The identities present in the room now (a snapshot). */
    public CompletableFuture<List<RoomParticipant>> participants() {
        CompletableFuture<List<RoomParticipant>> f = new CompletableFuture<>();
        post(() -> f.complete(List.copyOf(present.values())));
        return f;
    }

    /** Counters since start: joins (first join included), packets and bytes each way. */
    public RoomStats stats() {
        return new RoomStats(joins.get(), packetsOut.get(), bytesOut.get(), packetsIn.get(), bytesIn.get(), connected);
    }

    /**
     * Sends {@code payload} as a reliable user packet on {@code topic} to {@code destinations} (identities; all
     * participants when empty). Completes when LiveKit accepted it; fails with {@link RoomException} (a one-line
     * reason) when the payload is too large, the room is not connected, or the connection drops first.
     */
    public CompletableFuture<Void> send(Collection<String> destinations, String topic, byte[] payload) {
        return send(destinations, topic, payload, "");
    }

    /**
     * As {@link #send(Collection, String, byte[])}, with {@code packetId} in {@code UserPacket.id} (at most 128
     * characters): a receiver that sees the same id twice (a re-send after a drop) can drop the copy.
     */
    public CompletableFuture<Void> send(Collection<String> destinations, String topic, byte[] payload, String packetId) {
        if (packetId != null && packetId.length() > 128) return CompletableFuture.failedFuture(new RoomException("the packet id is longer than 128 characters"));
        if (payload == null || payload.length == 0) return CompletableFuture.failedFuture(new RoomException("the data packet is empty"));
        if (payload.length > config.maxPayloadBytes()) {
            return CompletableFuture.failedFuture(new RoomException("a data packet of " + payload.length
                    + " bytes exceeds the room's limit of " + config.maxPayloadBytes() + " bytes"));
        }
        if (topic != null && topic.length() > 256) return CompletableFuture.failedFuture(new RoomException("the topic is longer than 256 characters"));
        if (destinations.size() > 256) return CompletableFuture.failedFuture(new RoomException("more than 256 destination identities"));
        byte[] packet = RoomSession.userPacket(List.copyOf(destinations), topic == null ? "" : topic, payload, packetId);
        return enqueue(new Outgoing(List.of(packet))).whenComplete((v, t) -> {
            if (t == null) {
                packetsOut.incrementAndGet();
                bytesOut.addAndGet(payload.length);
            }
        });
    }

    /**
     * Sends {@code payload} as one LiveKit data stream (header, chunks of 15 000 bytes, trailer; livekit_models
     * {@code DataStream}) on {@code topic} to {@code destinations} (all participants when empty): what LiveKit's SDKs
     * receive with {@code registerTextStreamHandler} ({@code text}: the payload must be UTF-8) or
     * {@code registerByteStreamHandler}. For payloads over a data packet's limit. {@code streamId} (1..128
     * characters) identifies the stream; a re-send after a drop uses the same id. Completes once the trailer settled
     * (as {@link #send}); fails with a one-line {@link RoomException} when the payload is empty, not UTF-8 for a text
     * stream, over {@link #maxStreamBytes()}, or the room is not connected or drops first.
     */
    public CompletableFuture<Void> sendStream(Collection<String> destinations, String topic, byte[] payload, String streamId,
                                              boolean text, String name) {
        return sendStream(destinations, topic, payload, streamId, text, name, config.maxStreamBytes());
    }

    /**
     * A file as one LiveKit <b>byte</b> data stream named {@code name} (what rtc-node's {@code sendFile} sends and
     * {@code registerByteStreamHandler} receives), up to {@link RoomConfig#MAX_FILE_BYTES}: a file sent to a participant
     * over the mesh stream channel (docs/livekit.md "Large payloads"). Settles as {@link #sendStream}.
     */
    public CompletableFuture<Void> sendFile(Collection<String> destinations, String topic, byte[] content, String streamId, String name) {
        return sendStream(destinations, topic, content, streamId, false, name, RoomConfig.MAX_FILE_BYTES);
    }

    private CompletableFuture<Void> sendStream(Collection<String> destinations, String topic, byte[] payload, String streamId,
                                               boolean text, String name, long max) {
        if (streamId == null || streamId.isEmpty() || streamId.length() > 128) return CompletableFuture.failedFuture(new RoomException("the stream id must be 1..128 characters"));
        if (payload == null || payload.length == 0) return CompletableFuture.failedFuture(new RoomException("the data stream is empty"));
        if (payload.length > max) {
            return CompletableFuture.failedFuture(new RoomException("a data stream of " + payload.length
                    + " bytes exceeds the limit of " + max + " bytes"));
        }
        if (text && !DataStreams.isUtf8(payload)) return CompletableFuture.failedFuture(new RoomException("a text stream must be UTF-8"));
        if (topic != null && topic.length() > 256) return CompletableFuture.failedFuture(new RoomException("the topic is longer than 256 characters"));
        if (destinations.size() > 256) return CompletableFuture.failedFuture(new RoomException("more than 256 destination identities"));
        List<byte[]> packets = DataStreams.packets(List.copyOf(destinations), topic == null ? "" : topic, payload, streamId, text, name);
        return enqueue(new Outgoing(packets)).whenComplete((v, t) -> {
            if (t == null) {
                streamsOut.incrementAndGet();
                packetsOut.incrementAndGet();
                bytesOut.addAndGet(payload.length);
            }
        });
    }

    private CompletableFuture<Void> enqueue(Outgoing o) {
        post(() -> {
            if (closed) {
                o.done.completeExceptionally(new RoomException("the room client is closed"));
            } else if (session == null || !session.connected()) {
                o.done.completeExceptionally(new RoomException("not connected to the room"));
            } else {
                unsettled.add(o);
                submit(o, session);
            }
        });
        return o.done;
    }

    /** Leaves the room (LeaveRequest) and stops reconnecting. Waits up to 5 s for the room thread. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        CompletableFuture<Void> done = new CompletableFuture<>();
        post(() -> {
            if (session != null) session.leave();
            session = null;
            RoomException gone = new RoomException("the room client was closed before the packet settled");
            unsettled.forEach(o -> o.done.completeExceptionally(gone));
            unsettled.clear();
            done.complete(null);
        });
        try {
            done.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
        }
        firstJoin.completeExceptionally(new RoomException("the room client was closed"));
        exec.shutdown();
    }

    /** Test and operations hook: drops the current connection as a network failure would (the client re-joins). */
    public void dropConnection(String why) {
        post(() -> {
            if (session != null) session.end(why, false);
        });
    }

    // ---- room thread ----

    /** A packet, or a data stream's packets, handed to {@link #send} until it settled (or the client closed). */
    private static final class Outgoing {
        final List<byte[]> packets;
        final CompletableFuture<Void> done = new CompletableFuture<>();
        RoomSession session;

        Outgoing(List<byte[]> packets) {
            this.packets = packets;
        }
    }

    /** Hands {@code o} to {@code s}; once LiveKit took it, it settles after {@code settle} if {@code s} is still up. */
    private void submit(Outgoing o, RoomSession s) {
        o.session = s;
        // Packets leave the reliable channel in order, so the last one accepted means all were.
        CompletableFuture<Void> accepted = new CompletableFuture<>();
        for (int i = 0; i < o.packets.size() - 1; i++) s.send(o.packets.get(i), new CompletableFuture<>());
        s.send(o.packets.get(o.packets.size() - 1), accepted);
        accepted.whenComplete((v, t) -> post(() -> {
            if (t != null || o.session != s) return; // the session ended first: re-sent after the re-join
            exec.schedule(() -> settle(o, s), config.settle().toMillis(), TimeUnit.MILLISECONDS);
        }));
    }

    private void settle(Outgoing o, RoomSession s) {
        if (o.done.isDone() || o.session != s || session != s || !s.connected()) return;
        if (s.resuming()) {
            // The signal connection dropped: the server may be gone with what it took. Settle only once the resume
            // succeeded (the same server session lives on); a failed resume ends the session and fails the packet.
            exec.schedule(() -> settle(o, s), 100, TimeUnit.MILLISECONDS);
            return;
        }
        unsettled.remove(o);
        o.done.complete(null);
    }

    private void join() {
        if (closed) return;
        String jwt;
        try {
            jwt = chooseToken();
        } catch (RoomException e) {
            onEnded(null, e.getMessage(), !everJoined);
            return;
        }
        RoomSession s = new RoomSession(exec, factory, config, new SessionEvents());
        s.resumeTokens(this::resumeToken);
        session = s;
        s.start(http, jwt);
    }

    /**
     * The token for this join. Minted tokens are always fresh. A token file is read again: when an operator replaced
     * it, its token wins; when it is unchanged (its token may have expired meanwhile) or unreadable, the server's
     * latest {@code refresh_token} is used if there is one.
     */
    private String chooseToken() {
        if (token instanceof RoomToken.Minted) return token.next();
        String fromSource;
        try {
            fromSource = token.next();
        } catch (RoomException e) {
            if (refreshed != null) return refreshed;
            throw e;
        }
        boolean replaced = !fromSource.equals(lastFromSource);
        lastFromSource = fromSource;
        return replaced || refreshed == null ? fromSource : refreshed;
    }

    /**
     * The token for a resume: the server's latest {@code refresh_token} (what LiveKit's SDKs resume with), else
     * what a re-join would use.
     */
    private String resumeToken() {
        return refreshed != null && !(token instanceof RoomToken.FromFile f && fileReplaced(f)) ? refreshed : chooseToken();
    }

    /** True if the token file now holds something else than what was last read (an operator replaced it). */
    private boolean fileReplaced(RoomToken.FromFile f) {
        try {
            return !f.next().equals(lastFromSource);
        } catch (RoomException e) {
            return false;
        }
    }

    /** Resumes since start: signal drops recovered on the same peer connections, without a re-join. */
    public long resumes() {
        return resumes.get();
    }

    /** How many {@code refresh_token}s the server handed out since start. */
    public long tokenRefreshes() {
        return tokenRefreshes.get();
    }

    private void onEnded(RoomSession s, String reason, boolean refused) {
        if (s != null && s != session) return;
        boolean wasConnected = connected;
        connected = false;
        session = null;
        // What this connection took but had not settled may not have been forwarded: the caller sends it again
        // (it knows whether the destination is back in the room; the new server forwards nothing to the absent).
        RoomException unsure = new RoomException("the room connection dropped before the packet settled (" + reason + "); send it again");
        unsettled.forEach(o -> o.done.completeExceptionally(unsure));
        unsettled.clear();
        // The rest of a stream being received went to the dropped connection: it cannot complete.
        streams.abortAll("our room connection dropped in the middle of the stream (" + reason + ")");
        if (closed) return;
        if (refused && !everJoined) {
            firstJoin.completeExceptionally(new RoomException(reason, true));
            listener.onDisconnected(reason, false);
            closed = true;
            exec.shutdown();
            return;
        }
        if (wasConnected) retryMs = config.retryMin().toMillis();
        listener.onDisconnected(reason, true);
        long wait = retryMs;
        retryMs = Math.min(config.retryMax().toMillis(), retryMs * 2);
        exec.schedule(this::join, wait, TimeUnit.MILLISECONDS);
    }

    private void reconcile(List<ParticipantInfo> others) {
        Map<String, RoomParticipant> now = new LinkedHashMap<>();
        for (ParticipantInfo p : others) {
            if (p.getState() == ParticipantInfo.State.DISCONNECTED || p.getIdentity().equals(config.identity())) continue;
            now.put(p.getIdentity(), new RoomParticipant(p.getIdentity(), p.getSid(), p.getName()));
        }
        for (RoomParticipant gone : new ArrayList<>(present.values())) {
            if (!now.containsKey(gone.identity())) {
                present.remove(gone.identity());
                streams.abortFrom(gone.identity(), gone.identity() + " left the room in the middle of the stream");
                listener.onParticipantLeft(gone);
            }
        }
        for (RoomParticipant p : now.values()) {
            if (present.putIfAbsent(p.identity(), p) == null) listener.onParticipantJoined(p);
        }
    }

    private void update(List<ParticipantInfo> updates) {
        for (ParticipantInfo p : updates) {
            if (p.getIdentity().equals(config.identity())) continue;
            if (p.getState() == ParticipantInfo.State.DISCONNECTED) {
                RoomParticipant gone = present.remove(p.getIdentity());
                streams.abortFrom(p.getIdentity(), p.getIdentity() + " left the room in the middle of the stream");
                if (gone != null) listener.onParticipantLeft(gone);
            } else if (!present.containsKey(p.getIdentity())) {
                RoomParticipant joined = new RoomParticipant(p.getIdentity(), p.getSid(), p.getName());
                present.put(p.getIdentity(), joined);
                listener.onParticipantJoined(joined);
            }
        }
    }

    private void post(Runnable r) {
        try {
            exec.execute(r);
        } catch (RejectedExecutionException ignored) {
            // closed
        }
    }

    private final class SessionEvents implements RoomSession.Events {
        @Override
        public void connected(RoomSession s, String selfSid, List<ParticipantInfo> others) {
            if (s != session) return;
            everJoined = true;
            connected = true;
            joins.incrementAndGet();
            retryMs = config.retryMin().toMillis();
            reconcile(others);
            listener.onConnected(selfSid, List.copyOf(present.values()));

            firstJoin.complete(null);
        }

        @Override
        public void participants(RoomSession s, List<ParticipantInfo> updates) {
            if (s == session) update(updates);
        }

        @Override
        public void data(RoomSession s, RoomData data) {
            if (s != session) return;
            packetsIn.incrementAndGet();
            bytesIn.addAndGet(data.payload().length);
            listener.onData(data);
        }

        @Override
        public void resumed(RoomSession s, List<ParticipantInfo> others) {
            if (s != session) return;
            resumes.incrementAndGet();
            reconcile(others);
        }

        @Override
        public void refreshToken(RoomSession s, String jwt) {
            if (s != session) return;
            refreshed = jwt;
            tokenRefreshes.incrementAndGet();
        }

        @Override
        public void stream(RoomSession s, String from, livekit.LivekitModels.DataPacket packet) {
            if (s == session) streams.accept(from, packet);
        }

        @Override
        public void ended(RoomSession s, String reason, boolean refused) {
            onEnded(s, reason, refused);
        }
    }
}
