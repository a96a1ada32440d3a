package dev.meshwire.peer.p2p;

import dev.meshwire.signaling.Canonical;
import dev.meshwire.signaling.crypto.Hex;
import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.crypto.Signatures;

/**
 * The signed form of an offer or answer:
 *
 * <pre>meshwire-p2p-sdp|v1|&lt;meshId&gt;|&lt;fromPubkey&gt;|&lt;toPubkey&gt;|&lt;sessionId&gt;|&lt;type&gt;|&lt;sha256 hex of the SDP's UTF-8 bytes&gt;</pre>
 *
 * <p>The SDP is hashed rather than embedded because it contains line breaks and its length varies;
 * every other field is hex or a fixed word and cannot contain '|'. Naming both ends, the mesh and the
 * session stops a signature being replayed to another peer, mesh or session, and the type stops an
 * answer being replayed as an offer. The string itself is defined once, in {@link Canonical#p2pSdp}.
 */
public final class SdpSignature {
    private SdpSignature() {}

    public static String canonical(String meshId, String from, String to, String sessionId, String type, String sdp) {
        return Canonical.p2pSdp(meshId, from, to, sessionId, type, sdp);
    }

    /** Returns the signed message; {@code self} must be {@code from}. */
    public static P2pSignal.Sdp sign(Identity self, String meshId, String to, String sessionId, String type, String sdp) {
        String from = self.publicKeyHex();
        String sig = self.signHex(canonical(meshId, from, to, sessionId, type, sdp));
        return new P2pSignal.Sdp(meshId, from, to, sessionId, type, sdp, sig);
    }

    /**
     * Returns true only if {@code m} is signed by {@code expectedPeer} (the roster key of the peer
     * we think we talk to), claims to come from it, and every field is well formed.
     */
    public static boolean verify(P2pSignal.Sdp m, String expectedPeer) {
        if (m.from() == null || !m.from().equals(expectedPeer)) return false;
        if (m.meshId() == null || m.meshId().indexOf('|') >= 0 || m.sdp() == null || m.type() == null) return false;
        if (!P2pSignal.Sdp.OFFER.equals(m.type()) && !P2pSignal.Sdp.ANSWER.equals(m.type())) return false;
        if (!Hex.isHex(m.to(), 64) || !Hex.isHex(m.sessionId(), 32)) return false;
        return Signatures.verify(expectedPeer,
                canonical(m.meshId(), m.from(), m.to(), m.sessionId(), m.type(), m.sdp()), m.signature());
    }
}
