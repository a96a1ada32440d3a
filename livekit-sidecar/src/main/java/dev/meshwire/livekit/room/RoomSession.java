package dev.meshwire.livekit.room;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
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
import dev.onvoid.webrtc.RTCIceServer;
import dev.onvoid.webrtc.RTCOfferOptions;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCPeerConnectionState;
import dev.onvoid.webrtc.RTCSdpType;
import dev.onvoid.webrtc.RTCSessionDescription;
import dev.onvoid.webrtc.SetSessionDescriptionObserver;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import livekit.LivekitModels.DataPacket;
import livekit.LivekitModels.DisconnectReason;
import livekit.LivekitModels.ParticipantInfo;
import livekit.LivekitRtc.ICEServer;
import livekit.LivekitRtc.JoinResponse;
import livekit.LivekitRtc.LeaveRequest;
import livekit.LivekitRtc.Ping;
import livekit.LivekitRtc.SessionDescription;
import livekit.LivekitRtc.SignalRequest;
import livekit.LivekitRtc.SignalResponse;
import livekit.LivekitRtc.SignalTarget;
import livekit.LivekitRtc.TrickleRequest;

/**
 * One join of a LiveKit room: the signal WebSocket, the publisher PeerConnection (our {@code _reliable} and
 * {@code _lossy} data channels, which we offer) and the subscriber PeerConnection (offered by the server, carrying
 * the server's data channels to us). A drop ends the session; {@link RoomClient} starts a new one.
 *
 * <p>Threading: every field is owned by the room thread ({@code exec}). Native WebRTC callbacks and WebSocket
 * callbacks only copy what they need and post to it; they never touch native objects (the room thread may be
 * closing them). Exception: {@code onDataChannel} registers the channel observer right there, since a message
 * arriving before the observer is installed would be lost.
 */
final class RoomSession {
    static final String RELIABLE = "_reliable";
    static final String LOSSY = "_lossy";
    /** Above this many bytes buffered in the reliable channel, packets wait in {@link #waiting} (backpressure). */
    static final long HIGH_WATER = 512 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the session reports to its client (all on the room thread). */
    interface Events {
        void connected(RoomSession s, String selfSid, List<ParticipantInfo> others);

        void participants(RoomSession s, List<ParticipantInfo> updates);

        void data(RoomSession s, RoomData data);

        /**
         * The session resumed after a signal drop (same peer connections and data channels, new signal connection);
         * {@code others} is the server's participant list sent right after the resume (a snapshot: who is not in
         * it left meanwhile).
         */
        void resumed(RoomSession s, List<ParticipantInfo> others);

        /** The server handed out a fresh access token for later (re)joins ({@code SignalResponse.refresh_token}). */
        void refreshToken(RoomSession s, String token);

        /** A data stream packet (header, chunk or trailer) from {@code from}, for the client's {@link StreamAssembler}. */
        void stream(RoomSession s, String from, DataPacket packet);

        /** The session is over; {@code refused} when the server never let us in (HTTP refusal or leave before join). */
        void ended(RoomSession s, String reason, boolean refused);
    }

    private final ScheduledExecutorService exec;
    private final PeerConnectionFactory factory;
    private final RoomConfig config;
    private final Events events;

    private SignalLink link;
    private HttpClient http;
    /** Generation of the current signal link: callbacks of an older (dropped) link are ignored. */
    private long linkGen;
    /** The token for a resume (the client's choice: the refreshed one, a re-read file or a fresh mint). */
    private java.util.function.Supplier<String> resumeToken = () -> null;
    private boolean resuming;
    /** After a resume, the next participant update is the server's full list (livekit-server's ResumeParticipant). */
    private boolean snapshotNext;
    private ScheduledFuture<?> resumeTimer;
    private final ReceiveSequences sequences = new ReceiveSequences();
    private boolean ended;
    private boolean connected;
    private String selfSid = "";
    private RTCConfiguration rtc;
    private RTCPeerConnection publisher;
    private RTCPeerConnection subscriber;
    private RTCDataChannel reliable;
    private RTCDataChannel lossy;
    private final List<RTCDataChannel> remoteChannels = new ArrayList<>();
    private boolean pubRemoteSet;
    private boolean subRemoteSet;
    private final List<RTCIceCandidate> pubRemoteQueue = new ArrayList<>();
    private final List<RTCIceCandidate> subRemoteQueue = new ArrayList<>();
    private boolean pubOfferSent;
    private boolean subAnswerSent;
    private final List<RTCIceCandidate> pubLocalQueue = new ArrayList<>();
    private final List<RTCIceCandidate> subLocalQueue = new ArrayList<>();
    private ScheduledFuture<?> joinTimer;
    private ScheduledFuture<?> pingTimer;
    private ScheduledFuture<?> drainTimer;
    private long lastPongNanos;
    private int pingTimeoutS;
    /** Bytes handed to the reliable channel in total; a packet is accepted once that many minus buffered passed its end. */
    private long sentBytes;
    private final ArrayDeque<Pending> inFlight = new ArrayDeque<>();
    private final ArrayDeque<Pending> waiting = new ArrayDeque<>();

    private record Pending(byte[] packet, CompletableFuture<Void> accepted, long[] end) {}

    RoomSession(ScheduledExecutorService exec, PeerConnectionFactory factory, RoomConfig config, Events events) {
        this.exec = exec;
        this.factory = factory;
        this.config = config;
        this.events = events;
    }

    // ---- start and end (room thread) ----

    void start(HttpClient http, String token) {
        this.http = http;
        joinTimer = exec.schedule(() -> end("no join within " + config.joinTimeout().toSeconds() + " s", false),
                config.joinTimeout().toMillis(), TimeUnit.MILLISECONDS);
        openLink(token, null);
    }

    /** Where a resume gets its token (called on the room thread; may throw {@link RoomException}). */
    void resumeTokens(java.util.function.Supplier<String> tokens) {
        this.resumeToken = tokens;
    }

    private void openLink(String token, String resumeSid) {
        long gen = ++linkGen;
        SignalLink.open(http, config.url(), token, resumeSid, config.joinTimeout(),
                        r -> post(() -> {
                            if (gen == linkGen) onSignal(r);
                        }),
                        why -> post(() -> {
                            if (gen == linkGen) onSignalLost(why);
                        }))
                .whenComplete((l, t) -> post(() -> {
                    if (t != null) {
                        if (gen != linkGen) return;
                        Throwable c = t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
                        String why = c instanceof RoomException ? c.getMessage() : "cannot open the signal connection: " + c;
                        if (resuming) end("the resume failed: " + why, false);
                        else end(why, c instanceof RoomException re && re.refused());
                    } else if (ended || gen != linkGen) {
                        l.abort();
                    } else {
                        link = l;
                        early.forEach(l::send);
                        early.clear();
                    }
                }));
    }

    /**
     * The signal connection dropped. Once joined, the peer connections may well be fine (a signal-only failure):
     * resume as LiveKit's SDKs do, on the same transports; anything else ends the session (the client re-joins).
     */
    private void onSignalLost(String why) {
        if (ended) return;
        if (!connected || resuming) {
            end(resuming ? "the resume failed: " + why : why, false);
            return;
        }
        startResume(why);
    }

    private void startResume(String why) {
        resuming = true;
        if (link != null) link.abort();
        link = null;
        early.clear();
        resumeTimer = exec.schedule(() -> end("no resume within " + config.joinTimeout().toSeconds() + " s after: " + why, false),
                config.joinTimeout().toMillis(), TimeUnit.MILLISECONDS);
        String token;
        try {
            token = resumeToken.get();
        } catch (RoomException e) {
            end("the resume failed: " + e.getMessage(), false);
            return;
        }
        if (token == null) {
            end(why, false);
            return;
        }
        openLink(token, selfSid);
    }

    /**
     * The server took the resume (ReconnectResponse): tell it our state (SyncState: our current descriptions, data
     * channels and, per sender, the last reliable sequence received), then restart ICE on the publisher with a new
     * offer. The subscriber's ICE restart comes as a new server offer, answered as usual. The data channels were never
     * closed: what was sent on them meanwhile is neither lost nor repeated.
     */
    private void onResumed() {
        resuming = false;
        if (resumeTimer != null) resumeTimer.cancel(false);
        lastPongNanos = System.nanoTime();
        snapshotNext = true;
        signal(SignalRequest.newBuilder().setSyncState(syncState()).build());
        restartPublisherIce();
    }

    private livekit.LivekitRtc.SyncState syncState() {
        livekit.LivekitRtc.SyncState.Builder b = livekit.LivekitRtc.SyncState.newBuilder()
                .setSubscription(livekit.LivekitRtc.UpdateSubscription.newBuilder().setSubscribe(true));
        RTCSessionDescription subLocal = subscriber == null ? null : subscriber.getLocalDescription();
        if (subLocal != null) b.setAnswer(SessionDescription.newBuilder().setType("answer").setSdp(subLocal.sdp));
        RTCSessionDescription pubLocal = publisher == null ? null : publisher.getLocalDescription();
        if (pubLocal != null) b.setOffer(SessionDescription.newBuilder().setType("offer").setSdp(pubLocal.sdp));
        for (RTCDataChannel c : new RTCDataChannel[] {reliable, lossy}) {
            if (c != null) b.addDataChannels(livekit.LivekitRtc.DataChannelInfo.newBuilder().setLabel(c.getLabel()).setId(c.getId()).setTarget(SignalTarget.PUBLISHER));
        }
        for (RTCDataChannel c : remoteChannels) {
            b.addDataChannels(livekit.LivekitRtc.DataChannelInfo.newBuilder().setLabel(c.getLabel()).setId(c.getId()).setTarget(SignalTarget.SUBSCRIBER));
        }
        b.addAllDatachannelReceiveStates(sequences.states());
        return b.build();
    }

    private void restartPublisherIce() {
        if (publisher == null) return;
        RTCOfferOptions o = new RTCOfferOptions();
        o.iceRestart = true;
        pubOfferSent = false; // new candidates wait for the new offer
        publisher.createOffer(o, new Created(desc -> publisher.setLocalDescription(desc, new SetThen(() -> {
            pubRemoteSet = false; // the answer to this offer comes next; candidates wait for it
            signal(SignalRequest.newBuilder().setOffer(SessionDescription.newBuilder()
                    .setType("offer").setSdp(desc.sdp)).build());
            pubOfferSent = true;
            pubLocalQueue.forEach(c -> trickle(c, SignalTarget.PUBLISHER));
            pubLocalQueue.clear();
        }, "publisher setLocalDescription (ICE restart)")), "publisher createOffer (ICE restart)"));
    }

    /** Requests made before the socket's open future completed (the join response can arrive first). */
    private final List<SignalRequest> early = new ArrayList<>();

    private void signal(SignalRequest request) {
        if (link != null) link.send(request); else early.add(request);
    }

    boolean connected() {
        return connected && !ended;
    }

    /** True while a resume is under way: what the old signal connection's server took is not yet known to be safe. */
    boolean resuming() {
        return resuming;
    }

    boolean ended() {
        return ended;
    }

    /** Leaves the room politely (LeaveRequest, then close) and releases everything. */
    void leave() {
        if (ended) return;
        if (link != null) {
            link.send(SignalRequest.newBuilder().setLeave(LeaveRequest.newBuilder()
                    .setReason(DisconnectReason.CLIENT_INITIATED).setAction(LeaveRequest.Action.DISCONNECT)).build());
        }
        end("left the room", false);
    }

    /** Ends the session at once (idempotent): fails what was not accepted, closes transports and the socket. */
    void end(String reason, boolean refused) {
        if (ended) return;
        ended = true;
        linkGen++; // callbacks of the current link are stale from now on
        for (ScheduledFuture<?> f : new ScheduledFuture<?>[] {joinTimer, pingTimer, drainTimer, resumeTimer}) if (f != null) f.cancel(false);
        RoomException lost = new RoomException("the room connection dropped before LiveKit accepted the packet: " + reason);
        inFlight.forEach(p -> p.accepted().completeExceptionally(lost));
        waiting.forEach(p -> p.accepted().completeExceptionally(lost));
        inFlight.clear();
        waiting.clear();
        if (link != null) link.close();
        for (RTCDataChannel c : remoteChannels) disposeChannel(c);
        remoteChannels.clear();
        disposeChannel(reliable);
        disposeChannel(lossy);
        reliable = null;
        lossy = null;
        closePc(publisher);
        closePc(subscriber);
        publisher = null;
        subscriber = null;
        events.ended(this, reason, refused);
    }

    private static void disposeChannel(RTCDataChannel c) {
        if (c == null) return;
        try {
            c.unregisterObserver();
            c.close();
            c.dispose();
        } catch (RuntimeException ignored) {
            // already gone natively
        }
    }

    private static void closePc(RTCPeerConnection pc) {
        if (pc == null) return;
        try {
            pc.close();
        } catch (RuntimeException ignored) {
            // already closed
        }
    }

    // ---- signal messages (room thread) ----

    private void onSignal(SignalResponse r) {
        if (ended) return;
        if (resuming) {
            // The first answer to a resume: taken, or refused with a leave (then a full re-join).
            switch (r.getMessageCase()) {
                case RECONNECT -> onResumed();
                case LEAVE -> end("the server refused the resume (" + r.getLeave().getAction() + ", " + r.getLeave().getReason() + ")", false);
                default -> { } // nothing else is meaningful before the ReconnectResponse
            }
            return;
        }
        switch (r.getMessageCase()) {
            case JOIN -> onJoin(r.getJoin());
            case ANSWER -> onPublisherAnswer(r.getAnswer());
            case OFFER -> onSubscriberOffer(r.getOffer());
            case TRICKLE -> onTrickle(r.getTrickle());
            case UPDATE -> {
                // A sender who left starts its sequence numbers afresh when it comes back (even under the same sid).
                for (ParticipantInfo p : r.getUpdate().getParticipantsList()) {
                    if (p.getState() == ParticipantInfo.State.DISCONNECTED) sequences.forget(p.getSid());
                }
                if (connected && snapshotNext) {
                    snapshotNext = false;
                    events.resumed(this, r.getUpdate().getParticipantsList());
                } else if (connected) events.participants(this, r.getUpdate().getParticipantsList());
                else pendingOthers = merge(pendingOthers, r.getUpdate().getParticipantsList());
            }
            case LEAVE -> {
                if (connected && r.getLeave().getAction() == LeaveRequest.Action.RESUME) startResume("the server asked us to resume");
                else end("the server asked us to leave (" + r.getLeave().getReason() + ")", !connected);
            }
            case PONG, PONG_RESP -> lastPongNanos = System.nanoTime();
            case REFRESH_TOKEN -> {
                String t = r.getRefreshToken();
                if (!t.isEmpty() && t.length() <= 16_384) events.refreshToken(this, t);
            }
            default -> { } // media, quality, speaker and other updates do not concern a data bridge
        }
    }

    private void onJoin(JoinResponse join) {
        if (publisher != null) return; // a second join response is a protocol error; ignore it
        selfSid = join.getParticipant().getSid();
        rtc = new RTCConfiguration();
        for (ICEServer s : join.getIceServersList()) {
            RTCIceServer ice = new RTCIceServer();
            ice.urls = new ArrayList<>(s.getUrlsList());
            ice.username = s.getUsername();
            ice.password = s.getCredential();
            rtc.iceServers.add(ice);
        }
        pendingOthers = join.getOtherParticipantsList();
        pingTimeoutS = join.getPingTimeout();
        if (join.getPingInterval() > 0) {
            lastPongNanos = System.nanoTime();
            long every = join.getPingInterval() * 1000L;
            pingTimer = exec.scheduleAtFixedRate(this::ping, every, every, TimeUnit.MILLISECONDS);
        }
        if (earlyOffer != null) {
            SessionDescription offer = earlyOffer;
            earlyOffer = null;
            onSubscriberOffer(offer);
        }
        publisher = factory.createPeerConnection(rtc, new PcObserver(SignalTarget.PUBLISHER));
        if (publisher == null) {
            end("could not create the publisher PeerConnection", false);
            return;
        }
        RTCDataChannelInit ordered = new RTCDataChannelInit();
        ordered.ordered = true;
        reliable = publisher.createDataChannel(RELIABLE, ordered);
        reliable.registerObserver(new ChannelObserver(reliable));
        RTCDataChannelInit unordered = new RTCDataChannelInit();
        unordered.ordered = false;
        unordered.maxRetransmits = 0;
        lossy = publisher.createDataChannel(LOSSY, unordered);
        lossy.registerObserver(new ChannelObserver(lossy));
        publisher.createOffer(new RTCOfferOptions(), new Created(desc -> publisher.setLocalDescription(desc, new SetThen(() -> {
            signal(SignalRequest.newBuilder().setOffer(SessionDescription.newBuilder()
                    .setType("offer").setSdp(desc.sdp)).build());
            pubOfferSent = true;
            pubLocalQueue.forEach(c -> trickle(c, SignalTarget.PUBLISHER));
            pubLocalQueue.clear();
        }, "publisher setLocalDescription")), "publisher createOffer"));
    }

    /** A subscriber offer that overtook the join response (applied right after it). */
    private SessionDescription earlyOffer;

    /** The participants known before the reliable channel opened: the join response's list plus updates since. */
    private List<ParticipantInfo> pendingOthers = List.of();

    private static List<ParticipantInfo> merge(List<ParticipantInfo> known, List<ParticipantInfo> updates) {
        java.util.Map<String, ParticipantInfo> byIdentity = new java.util.LinkedHashMap<>();
        known.forEach(p -> byIdentity.put(p.getIdentity(), p));
        updates.forEach(p -> byIdentity.put(p.getIdentity(), p));
        return new ArrayList<>(byIdentity.values());
    }

    private void onPublisherAnswer(SessionDescription sd) {
        if (publisher == null || pubRemoteSet || !pubOfferSent) return;
        publisher.setRemoteDescription(new RTCSessionDescription(RTCSdpType.ANSWER, sd.getSdp()), new SetThen(() -> {
            pubRemoteSet = true;
            pubRemoteQueue.forEach(publisher::addIceCandidate);
            pubRemoteQueue.clear();
        }, "publisher setRemoteDescription"));
    }

    private void onSubscriberOffer(SessionDescription sd) {
        if (rtc == null) {
            // An offer before the join response breaks LiveKit's order; keep the latest and apply it after the join
            // rather than never getting a subscriber transport.
            earlyOffer = sd;
            return;
        }
        if (subscriber == null) {
            subscriber = factory.createPeerConnection(rtc, new PcObserver(SignalTarget.SUBSCRIBER));
            if (subscriber == null) {
                end("could not create the subscriber PeerConnection", false);
                return;
            }
        }
        RTCPeerConnection sub = subscriber;
        // A later offer (the server's ICE restart on resume) goes through the same ordering as the first one.
        subRemoteSet = false;
        subAnswerSent = false;
        sub.setRemoteDescription(new RTCSessionDescription(RTCSdpType.OFFER, sd.getSdp()), new SetThen(() -> {
            subRemoteSet = true;
            subRemoteQueue.forEach(sub::addIceCandidate);
            subRemoteQueue.clear();
            sub.createAnswer(new RTCAnswerOptions(), new Created(desc -> sub.setLocalDescription(desc, new SetThen(() -> {
                signal(SignalRequest.newBuilder().setAnswer(SessionDescription.newBuilder()
                        .setType("answer").setSdp(desc.sdp).setId(sd.getId())).build());
                subAnswerSent = true;
                subLocalQueue.forEach(c -> trickle(c, SignalTarget.SUBSCRIBER));
                subLocalQueue.clear();
            }, "subscriber setLocalDescription")), "subscriber createAnswer"));
        }, "subscriber setRemoteDescription"));
    }

    private void onTrickle(TrickleRequest t) {
        RTCIceCandidate c;
        try {
            JsonNode n = JSON.readTree(t.getCandidateInit());
            String cand = n.path("candidate").asText("");
            if (cand.isEmpty()) return; // end-of-candidates
            c = new RTCIceCandidate(n.path("sdpMid").asText(""), n.path("sdpMLineIndex").asInt(0), cand);
        } catch (Exception e) {
            return; // a malformed candidate cannot help ICE; ignore it rather than drop the session
        }
        if (t.getTarget() == SignalTarget.PUBLISHER) {
            if (publisher == null) return;
            if (pubRemoteSet) publisher.addIceCandidate(c); else if (pubRemoteQueue.size() < 256) pubRemoteQueue.add(c);
        } else {
            if (subscriber != null && subRemoteSet) subscriber.addIceCandidate(c); else if (subRemoteQueue.size() < 256) subRemoteQueue.add(c);
        }
    }

    private void onLocalCandidate(SignalTarget target, RTCIceCandidate c) {
        if (ended) return;
        if (target == SignalTarget.PUBLISHER) {
            if (pubOfferSent) trickle(c, target); else pubLocalQueue.add(c);
        } else {
            if (subAnswerSent) trickle(c, target); else subLocalQueue.add(c);
        }
    }

    private void trickle(RTCIceCandidate c, SignalTarget target) {
        ObjectNode init = JSON.createObjectNode();
        init.put("candidate", c.sdp);
        init.put("sdpMid", c.sdpMid);
        init.put("sdpMLineIndex", c.sdpMLineIndex);
        signal(SignalRequest.newBuilder().setTrickle(TrickleRequest.newBuilder()
                .setCandidateInit(init.toString()).setTarget(target)).build());
    }

    private void ping() {
        if (ended || link == null || resuming) return;
        if (pingTimeoutS > 0 && System.nanoTime() - lastPongNanos > TimeUnit.SECONDS.toNanos(pingTimeoutS)) {
            startResume("no pong from the server for " + pingTimeoutS + " s");
            return;
        }
        long now = System.currentTimeMillis();
        // Both forms, as LiveKit's JS SDK does: older servers answer ping with pong, newer ping_req with pong_resp.
        signal(SignalRequest.newBuilder().setPing(now).build());
        signal(SignalRequest.newBuilder().setPingReq(Ping.newBuilder().setTimestamp(now)).build());
    }

    // ---- data channels (room thread) ----

    private void onChannelState(RTCDataChannel c) {
        if (ended) return;
        RTCDataChannelState s;
        try {
            s = c.getState();
        } catch (RuntimeException e) {
            return;
        }
        if (c == reliable && s == RTCDataChannelState.OPEN && !connected) {
            connected = true;
            if (joinTimer != null) joinTimer.cancel(false);
            events.connected(this, selfSid, pendingOthers);
            pump();
        } else if (c == reliable && (s == RTCDataChannelState.CLOSING || s == RTCDataChannelState.CLOSED)) {
            end("the reliable data channel closed", false);
        }
    }

    private void onChannelMessage(byte[] bytes) {
        if (ended) return;
        DataPacket p;
        try {
            p = DataPacket.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            return; // not a DataPacket: nothing we can deliver
        }
        if (sequences.seenBefore(p)) return; // a re-send after the sender's resume: we had it
        switch (p.getValueCase()) {
            case STREAM_HEADER, STREAM_CHUNK, STREAM_TRAILER -> {
                if (!p.getParticipantIdentity().isEmpty()) events.stream(this, p.getParticipantIdentity(), p);
                return;
            }
            case USER -> { }
            default -> {
                return; // speaker updates, transcriptions, RPC: not bridged
            }
        }
        String from = !p.getParticipantIdentity().isEmpty() ? p.getParticipantIdentity() : p.getUser().getParticipantIdentity();
        events.data(this, new RoomData(from, p.getUser().getTopic(), p.getUser().getPayload().toByteArray(),
                p.getUser().getId(), p.getKind() == DataPacket.Kind.RELIABLE));
    }

    /** Queues an encoded DataPacket for the reliable channel; the future completes once LiveKit took it. */
    void send(byte[] packet, CompletableFuture<Void> accepted) {
        if (!connected()) {
            accepted.completeExceptionally(new RoomException("not connected to the room"));
            return;
        }
        waiting.add(new Pending(packet, accepted, new long[1]));
        pump();
    }

    /** Moves waiting packets into the channel while it has room, then completes what has left its buffer. */
    private void pump() {
        if (ended || reliable == null) return;
        try {
            while (!waiting.isEmpty() && reliable.getBufferedAmount() < HIGH_WATER) {
                Pending p = waiting.poll();
                reliable.send(new RTCDataChannelBuffer(ByteBuffer.wrap(p.packet()), true));
                sentBytes += p.packet().length;
                p.end()[0] = sentBytes;
                inFlight.add(p);
            }
            long taken = sentBytes - reliable.getBufferedAmount();
            while (!inFlight.isEmpty() && inFlight.peek().end()[0] <= taken) inFlight.poll().accepted().complete(null);
        } catch (Exception e) {
            end("sending on the reliable data channel failed: " + e.getMessage(), false);
            return;
        }
        // The buffered-amount callback is not guaranteed for every drop; look again shortly while anything waits.
        if ((!inFlight.isEmpty() || !waiting.isEmpty()) && (drainTimer == null || drainTimer.isDone())) {
            // Cleared when it fires: a pump run by this very timer must be able to schedule the next look (the
            // running timer is not "done", and a packet whose last bytes left without a buffered-amount callback
            // would otherwise never be accepted).
            drainTimer = exec.schedule(() -> {
                drainTimer = null;
                pump();
            }, 20, TimeUnit.MILLISECONDS);
        }
    }

    // ---- native callbacks: copy and post ----

    private void post(Runnable r) {
        try {
            exec.execute(() -> {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    end("internal error: " + e, false);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException ignored) {
            // the client is closed
        }
    }

    private final class PcObserver implements PeerConnectionObserver {
        private final SignalTarget target;

        PcObserver(SignalTarget target) {
            this.target = target;
        }

        @Override
        public void onIceCandidate(RTCIceCandidate candidate) {
            post(() -> onLocalCandidate(target, candidate));
        }

        @Override
        public void onConnectionChange(RTCPeerConnectionState s) {
            if (s == RTCPeerConnectionState.FAILED) post(() -> end(target.name().toLowerCase() + " transport failed", false));
        }

        @Override
        public void onDataChannel(RTCDataChannel channel) {
            channel.registerObserver(new ChannelObserver(channel));
            post(() -> {
                if (ended) disposeChannel(channel); else remoteChannels.add(channel);
            });
        }
    }

    private final class ChannelObserver implements RTCDataChannelObserver {
        private final RTCDataChannel channel;

        ChannelObserver(RTCDataChannel channel) {
            this.channel = channel;
        }

        @Override
        public void onBufferedAmountChange(long previousAmount) {
            post(RoomSession.this::pump);
        }

        @Override
        public void onStateChange() {
            post(() -> onChannelState(channel));
        }

        @Override
        public void onMessage(RTCDataChannelBuffer buffer) {
            ByteBuffer data = buffer.data; // valid only during this call: copy
            byte[] copy = new byte[data.remaining()];
            data.get(copy);
            post(() -> onChannelMessage(copy));
        }
    }

    private final class Created implements CreateSessionDescriptionObserver {
        private final Consumer<RTCSessionDescription> then;
        private final String what;

        Created(Consumer<RTCSessionDescription> then, String what) {
            this.then = then;
            this.what = what;
        }

        @Override
        public void onSuccess(RTCSessionDescription description) {
            post(() -> {
                if (!ended) then.accept(description);
            });
        }

        @Override
        public void onFailure(String error) {
            post(() -> end(what + " failed: " + error, false));
        }
    }

    private final class SetThen implements SetSessionDescriptionObserver {
        private final Runnable then;
        private final String what;

        SetThen(Runnable then, String what) {
            this.then = then;
            this.what = what;
        }

        @Override
        public void onSuccess() {
            post(() -> {
                if (!ended) then.run();
            });
        }

        @Override
        public void onFailure(String error) {
            post(() -> end(what + " failed: " + error, false));
        }
    }

    /** Encodes a reliable user packet on {@code topic} for {@code destinations} (all participants when empty), with an optional id. */
    static byte[] userPacket(List<String> destinations, String topic, byte[] payload, String packetId) {
        livekit.LivekitModels.UserPacket.Builder user = livekit.LivekitModels.UserPacket.newBuilder()
                .setPayload(ByteString.copyFrom(payload))
                .setTopic(topic)
                .addAllDestinationIdentities(destinations);
        if (packetId != null && !packetId.isEmpty()) user.setId(packetId);
        return DataPacket.newBuilder()
                .setKind(DataPacket.Kind.RELIABLE)
                .addAllDestinationIdentities(destinations)
                .setUser(user)
                .build().toByteArray();
    }
}
