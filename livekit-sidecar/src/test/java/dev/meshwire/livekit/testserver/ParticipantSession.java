package dev.meshwire.livekit.testserver;

import com.google.protobuf.InvalidProtocolBufferException;
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
import dev.onvoid.webrtc.RTCSdpType;
import dev.onvoid.webrtc.RTCSessionDescription;
import dev.onvoid.webrtc.SetSessionDescriptionObserver;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
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
 * join response, a <b>subscriber</b> peer connection the server offers (carrying the server's {@code _reliable} and
 * {@code _lossy} data channels, on which packets reach this participant), a <b>publisher</b> peer connection the
 * client offers (carrying the client's data channels, from which its packets are read), trickle both ways, ping/pong,
 * presence updates and leave.
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
    /** Larger data packets are dropped: LiveKit's limit for a reliable packet is 15 KiB of payload; this leaves room. */
    static final int MAX_DATA_PACKET_BYTES = 64 * 1024;
    private static final int MAX_PENDING = 4096;

    private final ServerWebSocket ws;
    private final StandInRoom room;
    private final TokenCheck.Grant grant;
    private final String sid;
    private final long joinedAt = System.currentTimeMillis() / 1000;
    private final PeerConnectionFactory factory;
    private final ExecutorService serial;

    private RTCPeerConnection subscriber;
    private boolean subscriberRemoteSet;
    private final List<RTCIceCandidate> subscriberCandidates = new ArrayList<>();
    private final RTCDataChannel[] subChannels = new RTCDataChannel[2]; // [reliable, lossy]
    private final ArrayDeque<byte[]> pendingReliable = new ArrayDeque<>();
    private RTCPeerConnection publisher;
    private boolean publisherRemoteSet;
    private final List<RTCIceCandidate> publisherCandidates = new ArrayList<>();
    private final List<RTCDataChannel> publisherChannels = new ArrayList<>();
    private volatile boolean closed;
    /** Local candidates wait until their peer connection's description went out, so the client sees SDP first. */
    private final List<String> subscriberLocal = new ArrayList<>();
    private final List<String> publisherLocal = new ArrayList<>();
    private boolean subscriberSdpSent;
    private boolean publisherSdpSent;

    ParticipantSession(ServerWebSocket ws, StandInRoom room, TokenCheck.Grant grant, String sid, PeerConnectionFactory factory) {
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

    /** Starts the session: joins the room, sends the join response and the subscriber offer. */
    void start() {
        ws.binaryMessageHandler(b -> {
            byte[] bytes = b.getBytes();
            post(() -> onSignal(bytes));
        });
        ws.textMessageHandler(t -> post(() -> refuse("text signal messages are not supported: send protobuf SignalRequest")));
        ws.closeHandler(v -> post(() -> close("signal connection closed")));
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
            startSubscriber();
        });
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
            case OFFER -> onPublisherOffer(req.getOffer().getSdp());
            case ANSWER -> setRemote(subscriber, RTCSdpType.ANSWER, req.getAnswer().getSdp(), () -> {
                subscriberRemoteSet = true;
                subscriberCandidates.forEach(subscriber::addIceCandidate);
                subscriberCandidates.clear();
            });
            case TRICKLE -> onTrickle(req.getTrickle());
            case PING_REQ -> send(SignalResponse.newBuilder().setPongResp(LivekitRtc.Pong.newBuilder()
                    .setLastPingTimestamp(req.getPingReq().getTimestamp()).setTimestamp(System.currentTimeMillis())));
            case PING -> send(SignalResponse.newBuilder().setPong(System.currentTimeMillis()));
            case LEAVE -> close("participant left");
            default -> LOG.debug("{}: ignoring {}", identity(), req.getMessageCase());
        }
    }

    private void onTrickle(LivekitRtc.TrickleRequest t) {
        RTCIceCandidate c = IceJson.decode(t.getCandidateInit());
        if (c == null) {
            LOG.warn("{}: malformed trickle candidate ignored", identity());
            return;
        }
        if (t.getTarget() == SignalTarget.PUBLISHER) {
            if (publisher != null && publisherRemoteSet) publisher.addIceCandidate(c);
            else if (publisherCandidates.size() < 256) publisherCandidates.add(c);
        } else {
            if (subscriber != null && subscriberRemoteSet) subscriber.addIceCandidate(c);
            else if (subscriberCandidates.size() < 256) subscriberCandidates.add(c);
        }
    }

    // ---- subscriber: the server offers, with its own data channels ----

    private void startSubscriber() {
        subscriber = factory.createPeerConnection(new RTCConfiguration(), new PcObserver(SignalTarget.SUBSCRIBER));
        RTCDataChannelInit reliable = new RTCDataChannelInit(); // ordered, no retransmit limit
        RTCDataChannelInit lossy = new RTCDataChannelInit();
        lossy.ordered = false;
        lossy.maxRetransmits = 0;
        subChannels[0] = subscriber.createDataChannel(RELIABLE, reliable);
        subChannels[1] = subscriber.createDataChannel(LOSSY, lossy);
        subChannels[0].registerObserver(new SubChannelObserver());
        subChannels[1].registerObserver(new SubChannelObserver());
        subscriber.createOffer(new RTCOfferOptions(), new Created(subscriber, desc -> {
            send(SignalResponse.newBuilder().setOffer(LivekitRtc.SessionDescription.newBuilder()
                    .setType("offer").setSdp(desc.sdp)));
            subscriberSdpSent = true;
            subscriberLocal.forEach(c -> sendCandidate(c, SignalTarget.SUBSCRIBER));
            subscriberLocal.clear();
        }));
    }

    private void flushReliable() {
        RTCDataChannel dc = subChannels[0];
        while (dc != null && dc.getState() == RTCDataChannelState.OPEN && !pendingReliable.isEmpty()) {
            sendOn(dc, pendingReliable.poll());
        }
    }

    // ---- publisher: the client offers, with its data channels ----

    private void onPublisherOffer(String sdp) {
        if (publisher == null) {
            publisher = factory.createPeerConnection(new RTCConfiguration(), new PcObserver(SignalTarget.PUBLISHER));
        }
        setRemote(publisher, RTCSdpType.OFFER, sdp, () -> {
            publisherRemoteSet = true;
            publisherCandidates.forEach(publisher::addIceCandidate);
            publisherCandidates.clear();
            publisher.createAnswer(new RTCAnswerOptions(), new Created(publisher, desc -> {
                send(SignalResponse.newBuilder().setAnswer(LivekitRtc.SessionDescription.newBuilder()
                        .setType("answer").setSdp(desc.sdp)));
                publisherSdpSent = true;
                publisherLocal.forEach(c -> sendCandidate(c, SignalTarget.PUBLISHER));
                publisherLocal.clear();
            }));
        });
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
        room.forward(this, packet, reliable);
    }

    // ---- plumbing ----

    private void onLocalCandidate(String json, SignalTarget target) {
        boolean sub = target == SignalTarget.SUBSCRIBER;
        if (sub ? subscriberSdpSent : publisherSdpSent) sendCandidate(json, target);
        else (sub ? subscriberLocal : publisherLocal).add(json);
    }

    private void sendCandidate(String json, SignalTarget target) {
        send(SignalResponse.newBuilder().setTrickle(LivekitRtc.TrickleRequest.newBuilder()
                .setCandidateInit(json).setTarget(target)));
    }

    private void setRemote(RTCPeerConnection pc, RTCSdpType type, String sdp, Runnable then) {
        if (pc == null) {
            refuse("answer without a subscriber offer");
            return;
        }
        pc.setRemoteDescription(new RTCSessionDescription(type, sdp), new SetObserver(then, "setRemoteDescription"));
    }

    private void sendOn(RTCDataChannel dc, byte[] packet) {
        try {
            dc.send(new RTCDataChannelBuffer(ByteBuffer.wrap(packet), true));
        } catch (Exception e) {
            LOG.warn("{}: data channel send failed: {}", identity(), e.getMessage());
        }
    }

    private void send(SignalResponse.Builder response) {
        if (closed) return;
        ws.writeBinaryMessage(Buffer.buffer(response.build().toByteArray()));
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
        } catch (java.util.concurrent.RejectedExecutionException ignored) {
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

    /** Closes the session from outside (server shutdown) and waits until its peer connections are closed. */
    void shutdown() throws InterruptedException {
        post(() -> close("server shutting down"));
        serial.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
    }

    private final class PcObserver implements PeerConnectionObserver {
        private final SignalTarget target;

        PcObserver(SignalTarget target) {
            this.target = target;
        }

        @Override
        public void onIceCandidate(RTCIceCandidate candidate) {
            String json = IceJson.encode(candidate);
            post(() -> onLocalCandidate(json, target));
        }

        @Override
        public void onDataChannel(RTCDataChannel channel) {
            if (target != SignalTarget.PUBLISHER) return;
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

    private final class Created implements CreateSessionDescriptionObserver {
        private final RTCPeerConnection pc;
        private final Consumer<RTCSessionDescription> then;

        Created(RTCPeerConnection pc, Consumer<RTCSessionDescription> then) {
            this.pc = pc;
            this.then = then;
        }

        @Override
        public void onSuccess(RTCSessionDescription desc) {
            post(() -> {
                if (!closed) pc.setLocalDescription(desc, new SetObserver(() -> then.accept(desc), "setLocalDescription"));
            });
        }

        @Override
        public void onFailure(String error) {
            post(() -> refuse("create description failed: " + error));
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
            post(() -> {
                if (!closed) then.run();
            });
        }

        @Override
        public void onFailure(String error) {
            post(() -> refuse(what + " failed: " + error));
        }
    }
}
