package dev.meshwire.livekit.testserver;

import dev.onvoid.webrtc.CreateSessionDescriptionObserver;
import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.PeerConnectionObserver;
import dev.onvoid.webrtc.RTCAnswerOptions;
import dev.onvoid.webrtc.RTCConfiguration;
import dev.onvoid.webrtc.RTCDataChannel;
import dev.onvoid.webrtc.RTCDataChannelInit;
import dev.onvoid.webrtc.RTCIceCandidate;
import dev.onvoid.webrtc.RTCOfferOptions;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCSdpType;
import dev.onvoid.webrtc.RTCSessionDescription;
import dev.onvoid.webrtc.SetSessionDescriptionObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import livekit.LivekitRtc;
import livekit.LivekitRtc.SignalResponse;
import livekit.LivekitRtc.SignalTarget;

/**
 * The server side of one of a participant's two peer connections (LiveKit's dual-PC mode): SDP offer/answer and trickle
 * for {@link SignalTarget#SUBSCRIBER} (the server offers) or {@link SignalTarget#PUBLISHER} (the client offers).
 *
 * <p>Ordering rules it keeps: remote candidates wait until the remote description is set; local candidates go out only
 * after the local description was signalled, so the client always sees the SDP before its candidates.
 * Threading: every method runs on the owning session's thread; native callbacks are posted there through {@code post}.
 */
final class ServerTransport {
    private static final int MAX_QUEUED_CANDIDATES = 256;

    private final SignalTarget target;
    private final RTCPeerConnection pc;
    private final Consumer<Runnable> post;
    private final Consumer<SignalResponse.Builder> signal;
    private final Consumer<String> fail;
    private final List<RTCIceCandidate> remoteCandidates = new ArrayList<>();
    private final List<String> localCandidates = new ArrayList<>();
    private boolean remoteSet;
    private boolean sdpSent;
    private boolean closed;

    /**
     * @param post          runs a task on the session's thread
     * @param signal        sends a signal response to the client
     * @param fail          ends the session with a reason (SDP errors)
     * @param onDataChannel a data channel the client opened on this connection (called on a native thread)
     */
    ServerTransport(PeerConnectionFactory factory, SignalTarget target, Consumer<Runnable> post,
                    Consumer<SignalResponse.Builder> signal, Consumer<String> fail, Consumer<RTCDataChannel> onDataChannel) {
        this.target = target;
        this.post = post;
        this.signal = signal;
        this.fail = fail;
        this.pc = factory.createPeerConnection(new RTCConfiguration(), new PeerConnectionObserver() {
            @Override
            public void onIceCandidate(RTCIceCandidate candidate) {
                String json = IceJson.encode(candidate);
                post.accept(() -> onLocalCandidate(json));
            }

            @Override
            public void onDataChannel(RTCDataChannel channel) {
                onDataChannel.accept(channel);
            }
        });
    }

    RTCDataChannel createDataChannel(String label, RTCDataChannelInit init) {
        return pc.createDataChannel(label, init);
    }

    /** Server-initiated negotiation (the subscriber connection): creates, applies and signals an offer. */
    void offer() {
        pc.createOffer(new RTCOfferOptions(), new Created("offer"));
    }

    /**
     * A new server offer with an ICE restart (resume of a session whose signal connection dropped). Candidates
     * gathered for it wait until the new offer was signalled, as at the start.
     */
    void restartIce() {
        if (closed) return;
        sdpSent = false;
        RTCOfferOptions o = new RTCOfferOptions();
        o.iceRestart = true;
        pc.createOffer(o, new Created("offer"));
    }

    /**
     * Client-initiated negotiation (the publisher connection): applies its offer, signals our answer. A later offer
     * (renegotiation, or the ICE restart of a resume) goes through the same steps, with the candidate ordering rules
     * applied afresh.
     */
    void answer(String offerSdp) {
        sdpSent = false;
        remoteSet = false;
        setRemote(RTCSdpType.OFFER, offerSdp, () -> pc.createAnswer(new RTCAnswerOptions(), new Created("answer")));
    }

    /** The client's answer to our offer. */
    void applyAnswer(String answerSdp) {
        remoteSet = false;
        setRemote(RTCSdpType.ANSWER, answerSdp, () -> {});
    }

    /** A trickled client candidate; queued until the remote description is set. */
    void addRemoteCandidate(RTCIceCandidate c) {
        if (closed) return;
        if (remoteSet) pc.addIceCandidate(c);
        else if (remoteCandidates.size() < MAX_QUEUED_CANDIDATES) remoteCandidates.add(c);
    }

    void close() {
        if (closed) return;
        closed = true;
        pc.close();
    }

    private void setRemote(RTCSdpType type, String sdp, Runnable then) {
        pc.setRemoteDescription(new RTCSessionDescription(type, sdp), new SetObserver("setRemoteDescription", () -> {
            remoteSet = true;
            remoteCandidates.forEach(pc::addIceCandidate);
            remoteCandidates.clear();
            then.run();
        }));
    }

    private void onLocalCandidate(String json) {
        if (closed) return;
        if (sdpSent) sendCandidate(json);
        else localCandidates.add(json);
    }

    private void sendCandidate(String json) {
        signal.accept(SignalResponse.newBuilder().setTrickle(LivekitRtc.TrickleRequest.newBuilder()
                .setCandidateInit(json).setTarget(target)));
    }

    private final class Created implements CreateSessionDescriptionObserver {
        private final String type;

        Created(String type) {
            this.type = type;
        }

        @Override
        public void onSuccess(RTCSessionDescription desc) {
            post.accept(() -> {
                if (closed) return;
                pc.setLocalDescription(desc, new SetObserver("setLocalDescription", () -> {
                    LivekitRtc.SessionDescription sd = LivekitRtc.SessionDescription.newBuilder().setType(type).setSdp(desc.sdp).build();
                    signal.accept("offer".equals(type) ? SignalResponse.newBuilder().setOffer(sd) : SignalResponse.newBuilder().setAnswer(sd));
                    sdpSent = true;
                    localCandidates.forEach(ServerTransport.this::sendCandidate);
                    localCandidates.clear();
                }));
            });
        }

        @Override
        public void onFailure(String error) {
            post.accept(() -> fail.accept(target + " create " + type + " failed: " + error));
        }
    }

    private final class SetObserver implements SetSessionDescriptionObserver {
        private final String what;
        private final Runnable then;

        SetObserver(String what, Runnable then) {
            this.what = what;
            this.then = then;
        }

        @Override
        public void onSuccess() {
            post.accept(() -> {
                if (!closed) then.run();
            });
        }

        @Override
        public void onFailure(String error) {
            post.accept(() -> fail.accept(target + " " + what + " failed: " + error));
        }
    }
}
