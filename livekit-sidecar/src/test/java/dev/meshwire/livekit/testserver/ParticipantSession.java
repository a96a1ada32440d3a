package dev.meshwire.livekit.testserver;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.RTCDataChannel;
import dev.onvoid.webrtc.RTCDataChannelBuffer;
import dev.onvoid.webrtc.RTCDataChannelInit;
import dev.onvoid.webrtc.RTCDataChannelObserver;
import dev.onvoid.webrtc.RTCDataChannelState;
import dev.onvoid.webrtc.RTCIceCandidate;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import livekit.LivekitModels;
import livekit.LivekitModels.DataPacket;
import livekit.LivekitModels.ParticipantInfo;
import livekit.LivekitRtc;
import livekit.LivekitRtc.SignalRequest;
import livekit.LivekitRtc.SignalResponse;
import livekit.LivekitRtc.SignalTarget;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One participant's signal connection, as livekit-server runs it in dual peer-connection mode (the {@code /rtc} path):
 * join response, a <b>subscriber</b> connection the server offers (carrying the server's {@code _reliable} and
 * {@code _lossy} data channels, on which packets reach this participant), a <b>publisher</b> connection the client
 * offers (carrying the client's data channels, from which its packets are read), trickle both ways (SDP and ICE:
 * {@link ServerTransport}), ping/pong, presence updates and leave.
 *
 * <p>Threading: every event (signal message, native WebRTC callback, delivery from another participant) runs on this
 * session's one thread, so the state below needs no locks. Native callbacks copy their data and post.
 */
final class ParticipantSession {
    private static final Logger LOG = LoggerFactory.getLogger(ParticipantSession.class);
    static final String RELIABLE = "_reliable";
    static final String LOSSY = "_lossy";
    /** Larger signal messages are refused (an SDP with many media sections is a few tens of KiB). */
    static final int MAX_SIGNAL_BYTES = 1 << 20;
    /** Larger data packets are dropped (the SDK itself caps them at 64000 bytes). */
    static final int MAX_DATA_PACKET_BYTES = 64 * 1024;
    private static final int MAX_PENDING = 4096;

    /** The current signal connection: replaced by a resume (room thread writes, any thread reads). */
    private volatile ServerWebSocket ws;
    /** How long a session whose signal connection dropped waits for a resume before it ends (LiveKit: departure timeout). */
    static final long RESUME_GRACE_MS = 20_000;
    /** Bumped at every signal drop and resume: a grace timer from an older drop does nothing. */
    private long signalEpoch;
    private boolean detached;
    /** The highest reliable {@code DataPacket.sequence} received from this participant (livekit-server's last_message_seq). */
    private int lastSequence;
    /** SyncState messages received (test hook through the server). */
    private final java.util.function.Consumer<LivekitRtc.SyncState> onSyncState;
    private final StandInRoom room;
    private final TokenCheck.Grant grant;
    private final String sid;
    private final long joinedAt = System.currentTimeMillis() / 1000;
    private final PeerConnectionFactory factory;
    private final ExecutorService serial;

    private ServerTransport subscriber;
    private final RTCDataChannel[] subChannels = new RTCDataChannel[2]; // [reliable, lossy]
    private final ArrayDeque<byte[]> pendingReliable = new ArrayDeque<>();
    private ServerTransport publisher;
    private final List<RTCDataChannel> publisherChannels = new ArrayList<>();
    private volatile boolean closed;
    /** A fresh token sent as {@code refresh_token} right after the join response (null: none). */
    private volatile String refreshToken;

    ParticipantSession(ServerWebSocket ws, StandInRoom room, TokenCheck.Grant grant, String sid, PeerConnectionFactory factory) {
        this(ws, room, grant, sid, factory, s -> { });
    }

    ParticipantSession(ServerWebSocket ws, StandInRoom room, TokenCheck.Grant grant, String sid, PeerConnectionFactory factory,
                       java.util.function.Consumer<LivekitRtc.SyncState> onSyncState) {
        this.onSyncState = onSyncState;
        this.ws = ws;
        this.room = room;
        this.grant = grant;
        this.sid = sid;
        this.factory = factory;
        this.serial = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "lk-standin-" + grant.identity());
            t.setDaemon(true);
            return t;
        });
    }

    String identity() {
        return grant.identity();
    }

    String sid() {
        return sid;
    }

    ParticipantInfo info(ParticipantInfo.State state) {
        return ParticipantInfo.newBuilder().setSid(sid).setIdentity(grant.identity()).setName(grant.name())
                .setState(state).setJoinedAt(joinedAt).setJoinedAtMs(joinedAt * 1000).setVersion(1)
                .setKind(ParticipantInfo.Kind.STANDARD)
                .setPermission(LivekitModels.ParticipantPermission.newBuilder().setCanSubscribe(grant.canSubscribe())
                        .setCanPublish(true).setCanPublishData(grant.canPublishData()))
                .build();
    }

    /** Sends {@code token} as {@code SignalResponse.refresh_token} right after the join response. Call before {@link #start()}. */
    void refreshTokenAfterJoin(String token) {
        this.refreshToken = token;
    }

    /** Starts the session: joins the room, sends the join response and the subscriber offer. */
    void start() {
        attach(ws);
        post(() -> {
            room.join(this, others -> send(SignalResponse.newBuilder().setJoin(LivekitRtc.JoinResponse.newBuilder()
                    .setRoom(room.info())
                    .setParticipant(info(ParticipantInfo.State.JOINED))
                    .addAllOtherParticipants(others)
                    .setServerVersion(StandInServer.SERVER_VERSION)
                    .setServerInfo(LivekitModels.ServerInfo.newBuilder().setEdition(LivekitModels.ServerInfo.Edition.Standard)
                            .setVersion(StandInServer.SERVER_VERSION).setProtocol(16).setNodeId("meshwire-standin"))
                    .setSubscriberPrimary(true)
                    // The Rust SDK builds a ping interval from these: zero would panic its timer.
                    .setPingInterval(5)
                    .setPingTimeout(30))));
            // livekit-server hands out a fresh token for later reconnects (its refresh_token); the stand-in does it
            // once, at once, so tests need not wait for a refresh period.
            if (refreshToken != null) send(SignalResponse.newBuilder().setRefreshToken(refreshToken));
            startSubscriber();
        });
    }

    /** Routes {@code socket}'s messages to this session; only the current socket's close counts as a signal drop. */
    private void attach(ServerWebSocket socket) {
        socket.binaryMessageHandler(b -> {
            byte[] bytes = b.getBytes();
            post(() -> {
                if (socket == ws) onSignal(bytes);
            });
        });
        socket.textMessageHandler(t -> post(() -> {
            if (socket == ws) refuse("text signal messages are not supported: send protobuf SignalRequest");
        }));
        socket.closeHandler(v -> post(() -> onSignalClosed(socket)));
    }

    /**
     * The signal connection dropped without a leave: the peer connections (and data forwarding) stay, and the client
     * may resume within {@link #RESUME_GRACE_MS}; after that the session ends as livekit-server's would.
     */
    private void onSignalClosed(ServerWebSocket socket) {
        if (closed || socket != ws) return;
        detached = true;
        long epoch = ++signalEpoch;
        LOG.info("{}: signal connection dropped; resumable for {} ms", identity(), RESUME_GRACE_MS);
        CompletableFuture.delayedExecutor(RESUME_GRACE_MS, TimeUnit.MILLISECONDS).execute(() -> post(() -> {
            if (detached && signalEpoch == epoch) close("signal connection closed and not resumed");
        }));
    }

    /**
     * A resume ({@code /rtc?reconnect=1&sid=…}) on {@code socket}: the session continues on the new signal connection
     * with a {@code ReconnectResponse}, the current participant list (updates sent while the old connection was dead
     * were lost), and an ICE restart offer on the subscriber connection; the client restarts ICE on its publisher
     * connection with a new offer, answered as usual. A session that already ended answers leave(RECONNECT), so the
     * client joins afresh.
     */
    void resume(ServerWebSocket socket, java.util.function.Supplier<List<ParticipantInfo>> others, Runnable onResumed) {
        post(() -> {
            if (closed) {
                StandInServer.refuseResume(socket);
                return;
            }
            ServerWebSocket old = ws;
            ws = socket;
            detached = false;
            signalEpoch++;
            attach(socket);
            if (!old.isClosed()) old.close();
            onResumed.run();
            // last_message_seq: the SDK re-sends its still-buffered reliable packets after this one.
            send(SignalResponse.newBuilder().setReconnect(LivekitRtc.ReconnectResponse.newBuilder().setLastMessageSeq(lastSequence)));
            send(SignalResponse.newBuilder().setUpdate(LivekitRtc.ParticipantUpdate.newBuilder().addAllParticipants(others.get())));
            if (subscriber != null) subscriber.restartIce();
        });
    }

    /** Test hook: drops the signal connection as a network failure would (no leave); the session stays resumable. */
    void dropSignal() {
        post(() -> {
            ServerWebSocket s = ws;
            if (!closed && !s.isClosed()) s.close((short) 1006, "test: signal dropped").onFailure(e -> { });
        });
    }

    boolean resumable() {
        return !closed;
    }

    /** A presence change of another participant. */
    void participantUpdate(ParticipantInfo info) {
        send(SignalResponse.newBuilder().setUpdate(LivekitRtc.ParticipantUpdate.newBuilder().addParticipants(info)));
    }

    /** Tells the client to leave (without reconnecting) and ends the session. */
    void kick(LivekitModels.DisconnectReason reason) {
        send(SignalResponse.newBuilder().setLeave(LivekitRtc.LeaveRequest.newBuilder().setCanReconnect(false)
                .setReason(reason).setAction(LivekitRtc.LeaveRequest.Action.DISCONNECT)));
        post(() -> close("kicked: " + reason));
    }

    /** Hands a packet (already stamped with its sender) to this participant's subscriber data channel. */
    void deliver(byte[] packet, boolean reliable) {
        post(() -> {
            RTCDataChannel dc = subChannels[reliable ? 0 : 1];
            if (dc != null && dc.getState() == RTCDataChannelState.OPEN && (!reliable || pendingReliable.isEmpty())) {
                sendOn(dc, packet);
            } else if (reliable) {
                // Not open yet: keep order and wait for the open (lossy packets are dropped, as lossy allows).
                if (pendingReliable.size() < MAX_PENDING) pendingReliable.add(packet);
                else LOG.warn("{}: reliable backlog full, packet dropped", identity());
            }
        });
    }

    /** Closes the session from outside (server shutdown) and waits until its peer connections are closed. */
    void shutdown() throws InterruptedException {
        post(() -> close("server shutting down"));
        serial.awaitTermination(30, TimeUnit.SECONDS);
    }

    // ---- signal ----

    private void onSignal(byte[] bytes) {
        if (closed) return;
        if (bytes.length > MAX_SIGNAL_BYTES) {
            refuse("signal message of " + bytes.length + " bytes exceeds " + MAX_SIGNAL_BYTES);
            return;
        }
        SignalRequest req;
        try {
            req = SignalRequest.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            refuse("malformed SignalRequest");
            return;
        }
        switch (req.getMessageCase()) {
            case OFFER -> publisher().answer(req.getOffer().getSdp());
            case ANSWER -> {
                if (subscriber == null) refuse("answer before the subscriber offer");
                else subscriber.applyAnswer(req.getAnswer().getSdp());
            }
            case TRICKLE -> onTrickle(req.getTrickle());
            case PING_REQ -> send(SignalResponse.newBuilder().setPongResp(LivekitRtc.Pong.newBuilder()
                    .setLastPingTimestamp(req.getPingReq().getTimestamp()).setTimestamp(System.currentTimeMillis())));
            case PING -> send(SignalResponse.newBuilder().setPong(System.currentTimeMillis()));
            case LEAVE -> close("participant left");
            case SYNC_STATE -> onSyncState.accept(req.getSyncState());
            default -> LOG.debug("{}: ignoring {}", identity(), req.getMessageCase());
        }
    }

    private void onTrickle(LivekitRtc.TrickleRequest t) {
        RTCIceCandidate c = IceJson.decode(t.getCandidateInit());
        if (c == null) {
            LOG.warn("{}: malformed trickle candidate ignored", identity());
            return;
        }
        if (t.getTarget() == SignalTarget.PUBLISHER) publisher().addRemoteCandidate(c);
        else if (subscriber != null) subscriber.addRemoteCandidate(c);
    }

    // ---- subscriber: the server offers, with its own data channels ----

    private void startSubscriber() {
        subscriber = new ServerTransport(factory, SignalTarget.SUBSCRIBER, this::post, this::send, this::refuse, RTCDataChannel::close);
        RTCDataChannelInit reliable = new RTCDataChannelInit(); // ordered, no retransmit limit
        RTCDataChannelInit lossy = new RTCDataChannelInit();
        lossy.ordered = false;
        lossy.maxRetransmits = 0;
        subChannels[0] = subscriber.createDataChannel(RELIABLE, reliable);
        subChannels[1] = subscriber.createDataChannel(LOSSY, lossy);
        for (RTCDataChannel dc : subChannels) dc.registerObserver(new SubChannelObserver());
        subscriber.offer();
    }

    private void flushReliable() {
        RTCDataChannel dc = subChannels[0];
        while (dc != null && dc.getState() == RTCDataChannelState.OPEN && !pendingReliable.isEmpty()) {
            sendOn(dc, pendingReliable.poll());
        }
    }

    // ---- publisher: the client offers, with its data channels ----

    private ServerTransport publisher() {
        if (publisher == null) {
            publisher = new ServerTransport(factory, SignalTarget.PUBLISHER, this::post, this::send, this::refuse, this::adoptPublisherChannel);
        }
        return publisher;
    }

    /** A client data channel on the publisher connection (native thread). */
    private void adoptPublisherChannel(RTCDataChannel channel) {
        String label = channel.getLabel();
        channel.registerObserver(new RTCDataChannelObserver() {
            @Override
            public void onBufferedAmountChange(long previousAmount) {}

            @Override
            public void onStateChange() {}

            @Override
            public void onMessage(RTCDataChannelBuffer buffer) {
                // The native buffer is valid only during this call.
                ByteBuffer data = buffer.data;
                byte[] copy = new byte[data.remaining()];
                data.get(copy);
                post(() -> onPublisherData(label, copy));
            }
        });
        post(() -> publisherChannels.add(channel));
    }

    private void onPublisherData(String label, byte[] bytes) {
        if (closed) return;
        boolean reliable = RELIABLE.equals(label);
        if (!reliable && !LOSSY.equals(label)) return; // _data_track and others: not part of data bridging
        if (bytes.length > MAX_DATA_PACKET_BYTES) {
            LOG.warn("{}: data packet of {} bytes dropped (limit {})", identity(), bytes.length, MAX_DATA_PACKET_BYTES);
            return;
        }
        if (!grant.canPublishData()) {
            LOG.warn("{}: data packet dropped: token does not grant canPublishData", identity());
            return;
        }
        DataPacket packet;
        try {
            packet = DataPacket.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            LOG.warn("{}: malformed DataPacket dropped", identity());
            return;
        }
        if (reliable && packet.getSequence() > 0) {
            // A packet the SDK re-sent after a resume that we already forwarded: drop it (livekit-server does too).
            if (Integer.compareUnsigned(packet.getSequence(), lastSequence) <= 0 && lastSequence != 0) return;
            lastSequence = packet.getSequence();
        }
        room.forward(this, packet, reliable);
    }

    // ---- plumbing ----

    private void sendOn(RTCDataChannel dc, byte[] packet) {
        try {
            dc.send(new RTCDataChannelBuffer(ByteBuffer.wrap(packet), true));
        } catch (Exception e) {
            LOG.warn("{}: data channel send failed: {}", identity(), e.getMessage());
        }
    }

    private void send(SignalResponse.Builder response) {
        ServerWebSocket socket = ws;
        if (closed || socket.isClosed()) return; // a dropped signal connection: what it would have said is lost
        socket.writeBinaryMessage(Buffer.buffer(response.build().toByteArray())).onFailure(e -> { });
    }

    private void refuse(String reason) {
        LOG.warn("{}: {}", identity(), reason);
        kick(LivekitModels.DisconnectReason.STATE_MISMATCH);
    }

    private void post(Runnable r) {
        try {
            serial.execute(() -> {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    LOG.warn("{}: {}", identity(), e.toString());
                }
            });
        } catch (RejectedExecutionException ignored) {
            // session already closed
        }
    }

    private void close(String why) {
        if (closed) return;
        closed = true;
        LOG.info("{}: session ends: {}", identity(), why);
        room.leave(this);
        for (RTCDataChannel dc : subChannels) if (dc != null) closeQuietly(dc);
        for (RTCDataChannel dc : publisherChannels) closeQuietly(dc);
        if (subscriber != null) subscriber.close();
        if (publisher != null) publisher.close();
        if (!ws.isClosed()) ws.close();
        serial.shutdown();
    }

    private static void closeQuietly(RTCDataChannel dc) {
        try {
            dc.unregisterObserver();
            dc.close();
        } catch (RuntimeException ignored) {
            // already closed natively
        }
    }

    private final class SubChannelObserver implements RTCDataChannelObserver {
        @Override
        public void onBufferedAmountChange(long previousAmount) {}

        @Override
        public void onStateChange() {
            post(ParticipantSession.this::flushReliable);
        }

        @Override
        public void onMessage(RTCDataChannelBuffer buffer) {
            // Clients send on their publisher connection; nothing is expected here.
        }
    }
}
