package dev.meshwire.peer.p2p;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.signaling.crypto.Identity;
import org.junit.jupiter.api.Test;

class SdpSignatureTest {
    final Identity alice = Identity.fromSeed(new byte[32]);
    final Identity bob = Identity.generate();
    final String sid = "0123456789abcdef0123456789abcdef";
    final String sdp = "v=0\r\na=fingerprint:sha-256 AA:BB\r\na=max-message-size:262144\r\n";

    @Test
    void canonicalStringIsFixed() {
        assertEquals("meshwire-p2p-sdp|v1|m1|" + alice.publicKeyHex() + "|" + bob.publicKeyHex() + "|" + sid + "|offer|"
                        + dev.meshwire.signaling.Canonical.sha256Hex(sdp),
                SdpSignature.canonical("m1", alice.publicKeyHex(), bob.publicKeyHex(), sid, "offer", sdp));
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", dev.meshwire.signaling.Canonical.sha256Hex(""));
    }

    @Test
    void verifiesOnlyTheUntouchedMessageFromTheExpectedPeer() {
        P2pSignal.Sdp m = SdpSignature.sign(alice, "m1", bob.publicKeyHex(), sid, "offer", sdp);
        assertEquals("p2p_offer", m.frameType());
        assertTrue(SdpSignature.verify(m, alice.publicKeyHex()));
        assertFalse(SdpSignature.verify(m, bob.publicKeyHex()), "expected peer differs");
        assertFalse(SdpSignature.verify(with(m, "m2", m.to(), m.sessionId(), m.type(), m.sdp()), alice.publicKeyHex()), "other mesh");
        assertFalse(SdpSignature.verify(with(m, m.meshId(), alice.publicKeyHex(), m.sessionId(), m.type(), m.sdp()), alice.publicKeyHex()), "other receiver");
        assertFalse(SdpSignature.verify(with(m, m.meshId(), m.to(), "f" + sid.substring(1), m.type(), m.sdp()), alice.publicKeyHex()), "other session");
        assertFalse(SdpSignature.verify(with(m, m.meshId(), m.to(), m.sessionId(), "answer", m.sdp()), alice.publicKeyHex()), "offer replayed as answer");
        assertFalse(SdpSignature.verify(with(m, m.meshId(), m.to(), m.sessionId(), m.type(), sdp.replace("AA:BB", "AA:BC")), alice.publicKeyHex()), "fingerprint swapped");
        P2pSignal.Sdp noSig = new P2pSignal.Sdp(m.meshId(), m.from(), m.to(), m.sessionId(), m.type(), m.sdp(), null);
        assertFalse(SdpSignature.verify(noSig, alice.publicKeyHex()));
        P2pSignal.Sdp badType = new P2pSignal.Sdp(m.meshId(), m.from(), m.to(), m.sessionId(), "OFFER", m.sdp(), m.signature());
        assertFalse(SdpSignature.verify(badType, alice.publicKeyHex()), "type is lowercase only");
    }

    static P2pSignal.Sdp with(P2pSignal.Sdp m, String mesh, String to, String sid, String type, String sdp) {
        return new P2pSignal.Sdp(mesh, m.from(), to, sid, type, sdp, m.signature());
    }
}
