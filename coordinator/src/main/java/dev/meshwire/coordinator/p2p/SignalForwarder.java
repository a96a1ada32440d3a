package dev.meshwire.coordinator.p2p;

import dev.meshwire.coordinator.authority.Refusal;
import dev.meshwire.coordinator.metrics.CoordinatorMetrics;
import dev.meshwire.coordinator.presence.PeerConnection;
import dev.meshwire.coordinator.presence.PresenceRegistry;
import dev.meshwire.signaling.Canonical;
import dev.meshwire.signaling.crypto.Hex;
import dev.meshwire.signaling.crypto.Signatures;
import dev.meshwire.signaling.frame.ErrorCode;
import dev.meshwire.signaling.frame.Frames;

/**
 * Forwards WebRTC signaling, and the relay-path {@code peer_ping}/{@code peer_pong} round trip, between two
 * <em>online</em> members of one mesh. Kicked and banned keys
 * have no connection, so they can neither send nor receive signaling. The origin ({@code mesh},
 * {@code from}) is set from the authenticated connection, never taken from the frame.
 *
 * <p>Offers and answers are verified here as well as by the receiver: the signature binds the SDP's
 * DTLS fingerprint to the sender, so a forged one is refused at the first hop. Nothing is stored: a
 * lost signal only makes a handshake time out, and the sender keeps using the relay meanwhile. That is
 * also why signalling is the one kind of frame dropped for a recipient above its outbound high-water mark.
 *
 * <p>Rate limits ({@link SignalLimiter}): the sender's bucket is charged before any validation (so a flood
 * costs no signature checks), the pair's bucket once the recipient is known to be online.
 */
public final class SignalForwarder {
    static final int MAX_SDP_CHARS = 64 * 1024;
    static final int MAX_CANDIDATE_CHARS = 2 * 1024;
    static final int MAX_SHORT_FIELD_CHARS = 256;
    /** Every trickled candidate is one SDP {@code candidate:} attribute value (RFC 8839 §5.1). */
    static final String CANDIDATE_PREFIX = "candidate:";

    private final PresenceRegistry presence;
    private final CoordinatorMetrics metrics;

    public SignalForwarder(PresenceRegistry presence, CoordinatorMetrics metrics) {
        this.presence = presence;
        this.metrics = metrics;
    }

    /**
     * Forwards {@code signal} from the member {@code fromPubkey} of {@code meshId}.
     *
     * @throws Refusal {@code rate_limited} when the member or pair limit refuses it (at most one such answer a
     *     second; further excess is dropped silently and counted), {@code invalid_frame} for malformed fields, {@code bad_signature} for an offer or
     *     answer not signed by the sender for this recipient and mesh, {@code peer_offline} when the
     *     recipient is not online in this mesh (the sender then stays on the relay)
     */
    public void forward(String meshId, String fromPubkey, SignalLimiter limiter, long nowMs, Frames.P2pSignal signal) {
        if (!admitted(limiter.checkMember(nowMs), limiter, signal)) return;
        validate(meshId, fromPubkey, signal);
        PeerConnection target = presence.get(meshId, signal.to());
        if (target == null) {
            throw Refusal.of(ErrorCode.PEER_OFFLINE, signal.type() + ": " + signal.to().substring(0, 8) + "… is not online in this mesh");
        }
        if (!admitted(limiter.checkPair(signal.to(), nowMs), limiter, signal)) return;
        target.send(signal.withOrigin(meshId, fromPubkey));
    }

    /** Counts a refusal; throws {@code rate_limited} when it is to be answered, returns false when it is dropped silently. */
    private boolean admitted(SignalLimiter.Verdict v, SignalLimiter limiter, Frames.P2pSignal signal) {
        if (v == SignalLimiter.Verdict.FORWARD) return true;
        metrics.signalRateLimited(limiter.lastScope());
        if (v == SignalLimiter.Verdict.REFUSE_SILENT) return false;
        throw Refusal.of(ErrorCode.RATE_LIMITED, signal.type() + ": too many signalling frames "
                + ("pair".equals(limiter.lastScope()) ? "to " + signal.to().substring(0, 8) + "…" : "from this member")
                + "; excess frames are dropped and answered at most once per second");
    }

    private static void validate(String meshId, String from, Frames.P2pSignal s) {
        String type = s.type();
        if (!Hex.isHex(s.to(), 64)) throw invalid(type + ": field 'to' must be a full public key (64 lowercase hex)");
        if (s.to().equals(from)) throw invalid(type + ": cannot signal yourself");
        if (!Hex.isHex(s.sessionId(), 32)) {
            String field = s instanceof Frames.PeerPing || s instanceof Frames.PeerPong ? "nonce" : "sessionId";
            throw invalid(type + ": field '" + field + "' must be 32 lowercase hex characters");
        }
        if (s instanceof Frames.P2pOffer o) {
            checkSigned(meshId, from, s, "offer", o.sdp(), o.signature());
        } else if (s instanceof Frames.P2pAnswer a) {
            checkSigned(meshId, from, s, "answer", a.sdp(), a.signature());
        } else if (s instanceof Frames.P2pCandidate c) {
            if (c.candidate() == null || c.candidate().isEmpty()) {
                throw invalid(type + ": field 'candidate' is required: the 'candidate:...' line of one ICE candidate");
            }
            if (!c.candidate().startsWith(CANDIDATE_PREFIX)) {
                throw invalid(type + ": field 'candidate' must start with '" + CANDIDATE_PREFIX + "'");
            }
            if (c.candidate().length() > MAX_CANDIDATE_CHARS) {
                throw invalid(type + ": field 'candidate' must be at most " + MAX_CANDIDATE_CHARS + " characters");
            }
            if (c.mLineIndex() < 0) throw invalid(type + ": field 'mLineIndex' must be a non-negative integer (got " + c.mLineIndex() + ")");
            if (c.mid() != null && c.mid().length() > MAX_SHORT_FIELD_CHARS) {
                throw invalid(type + ": field 'mid' must be at most " + MAX_SHORT_FIELD_CHARS + " characters");
            }
        } else if (s instanceof Frames.P2pClose c) {
            if (c.reason() != null && c.reason().length() > MAX_SHORT_FIELD_CHARS) {
                throw invalid(type + ": field 'reason' must be at most " + MAX_SHORT_FIELD_CHARS + " characters");
            }
        }
    }

    private static void checkSigned(String meshId, String from, Frames.P2pSignal s, String sdpType, String sdp, String signature) {
        if (sdp == null || sdp.isEmpty() || sdp.length() > MAX_SDP_CHARS) {
            throw invalid(s.type() + ": field 'sdp' is required and must be at most " + MAX_SDP_CHARS + " characters");
        }
        if (!Signatures.verify(from, Canonical.p2pSdp(meshId, from, s.to(), s.sessionId(), sdpType, sdp), signature)) {
            throw Refusal.of(ErrorCode.BAD_SIGNATURE, s.type() + ": the SDP is not signed by the sender for this recipient and mesh");
        }
    }

    private static Refusal invalid(String message) {
        return Refusal.of(ErrorCode.INVALID_FRAME, message);
    }
}
