package dev.meshwire.peer.p2p;

/**
 * A signaling message between two engines, carried by a {@link SignalingChannel} (over the
 * coordinator as frames {@code p2p_offer}, {@code p2p_answer}, {@code p2p_candidate},
 * {@code p2p_close}). Every message names the mesh, both peers (hex public keys) and the session id
 * the offerer chose (32 lowercase hex), so stale messages of an older session are simply ignored.
 */
public sealed interface P2pSignal {
    String meshId();

    String from();

    String to();

    String sessionId();

    /** The coordinator frame type this message travels as. */
    String frameType();

    /**
     * An offer or answer. {@code signature} is the sender's Ed25519 signature (hex) over
     * {@link SdpSignature#canonical}; it binds the DTLS fingerprint inside {@code sdp} to the sender's
     * identity, so a relay that rewrites the SDP is detected.
     *
     * @param type {@code offer} or {@code answer} (lowercase, as every WebRTC stack spells it)
     */
    record Sdp(String meshId, String from, String to, String sessionId, String type, String sdp, String signature)
            implements P2pSignal {
        public static final String OFFER = "offer";
        public static final String ANSWER = "answer";

        @Override
        public String frameType() {
            return OFFER.equals(type) ? "p2p_offer" : "p2p_answer";
        }
    }

    /**
     * One trickled ICE candidate. Unsigned on purpose: a forged candidate can at worst make ICE
     * fail (which the coordinator can cause anyway by dropping messages); it cannot redirect the
     * channel, because DTLS checks the fingerprint from the signed SDP.
     *
     * @param candidate the {@code candidate:...} line
     */
    record Candidate(String meshId, String from, String to, String sessionId, String mid, int mLineIndex,
                     String candidate) implements P2pSignal {
        @Override
        public String frameType() {
            return "p2p_candidate";
        }
    }

    /** The sender closed (or abandoned) this session. Unsigned: it only ends what the relay could break anyway. */
    record Close(String meshId, String from, String to, String sessionId, String reason) implements P2pSignal {
        @Override
        public String frameType() {
            return "p2p_close";
        }
    }
}
