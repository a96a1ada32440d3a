package dev.meshwire.signaling.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.signaling.Canonical;
import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.frame.FrameCodec;
import dev.meshwire.signaling.frame.Frames;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The seed's session-hello.test.ts cases (digest C §9.1), plus caps, a stolen attestation and the frame round trip. */
class SessionAttestationTest {
    private static final long NOW = 1_767_225_600_000L;
    private static final long HOUR = 3_600_000L;
    private static final String MESH_A = "m_00112233445566aa";
    private static final String MESH_B = "m_00112233445566bb";
    private static final String NONCE = "ab".repeat(32);

    private final Identity parent = Identity.generate();
    private final Identity session = Identity.generate();
    private final Identity other = Identity.generate();

    private SessionAttestation valid() {
        return SessionAttestation.sign(parent, session.publicKeyHex(), NOW + HOUR, null);
    }

    private static void assertRefused(SessionReason expected, Verdict v) {
        assertEquals(expected, v.reason(), () -> "detail: " + v.detail());
        assertTrue(v.detail() != null && !v.detail().isBlank());
    }

    // ---- verifySessionAttestation ----

    @Test
    void aValidAttestationVerifies() {
        assertTrue(valid().verify(NOW).ok());
        assertEquals("meshwire-session-attest|" + parent.publicKeyHex() + "|" + session.publicKeyHex() + "|" + (NOW + HOUR), valid().canonical());
    }

    @Test
    void anExpiredAttestationIsRefused() {
        assertRefused(SessionReason.EXPIRED, SessionAttestation.sign(parent, session.publicKeyHex(), NOW - 1000, null).verify(NOW));
        assertRefused(SessionReason.EXPIRED, SessionAttestation.sign(parent, session.publicKeyHex(), NOW, null).verify(NOW));
    }

    @Test
    void twentyFourHoursAndSixtySecondsIsTooLong() {
        assertRefused(SessionReason.TTL_TOO_LONG,
                SessionAttestation.sign(parent, session.publicKeyHex(), NOW + 24 * HOUR + 60_000, null).verify(NOW));
        // The boundary: 24 h plus the 30 s clock allowance passes, one millisecond more does not.
        assertTrue(SessionAttestation.sign(parent, session.publicKeyHex(), NOW + 24 * HOUR + 30_000, null).verify(NOW).ok());
        assertRefused(SessionReason.TTL_TOO_LONG,
                SessionAttestation.sign(parent, session.publicKeyHex(), NOW + 24 * HOUR + 30_001, null).verify(NOW));
        assertRefused(SessionReason.TTL_TOO_LONG,
                SessionAttestation.sign(parent, session.publicKeyHex(), Long.MAX_VALUE, null).verify(NOW));
    }

    @Test
    void signedByAnotherKeyIsABadSignature() {
        SessionAttestation byOther = SessionAttestation.sign(other, session.publicKeyHex(), NOW + HOUR, null);
        SessionAttestation claimed = new SessionAttestation(parent.publicKeyHex(), session.publicKeyHex(), NOW + HOUR, null, byOther.signature());
        assertRefused(SessionReason.BAD_SIGNATURE, claimed.verify(NOW));
    }

    @Test
    void claimingAnotherSessionKeyIsABadSignature() {
        SessionAttestation a = valid();
        SessionAttestation swapped = new SessionAttestation(a.parentPubkey(), other.publicKeyHex(), a.expiresAt(), null, a.signature());
        assertRefused(SessionReason.BAD_SIGNATURE, swapped.verify(NOW));
        SessionAttestation later = new SessionAttestation(a.parentPubkey(), a.sessionPubkey(), a.expiresAt() + 1, null, a.signature());
        assertRefused(SessionReason.BAD_SIGNATURE, later.verify(NOW));
    }

    @Test
    void aMalformedParentKeyIsMalformed() {
        SessionAttestation a = valid();
        assertRefused(SessionReason.MALFORMED, new SessionAttestation("not-hex", a.sessionPubkey(), a.expiresAt(), null, a.signature()).verify(NOW));
        assertRefused(SessionReason.MALFORMED,
                new SessionAttestation(a.parentPubkey().toUpperCase(), a.sessionPubkey(), a.expiresAt(), null, a.signature()).verify(NOW));
        assertRefused(SessionReason.MALFORMED, new SessionAttestation(null, a.sessionPubkey(), a.expiresAt(), null, a.signature()).verify(NOW));
        assertRefused(SessionReason.MALFORMED, new SessionAttestation(a.parentPubkey(), "ab", a.expiresAt(), null, a.signature()).verify(NOW));
        assertRefused(SessionReason.MALFORMED, new SessionAttestation(a.parentPubkey(), a.sessionPubkey(), a.expiresAt(), null, "00").verify(NOW));
        assertRefused(SessionReason.MALFORMED, new SessionAttestation(a.parentPubkey(), a.sessionPubkey(), 0, null, a.signature()).verify(NOW));
        assertRefused(SessionReason.MALFORMED, new SessionAttestation(a.parentPubkey(), a.parentPubkey(), a.expiresAt(), null, a.signature()).verify(NOW));
    }

    // ---- capabilities ----

    @Test
    void capsAreSignedAndAbsentIsNotEmpty() {
        SessionAttestation dm = SessionAttestation.sign(parent, session.publicKeyHex(), NOW + HOUR, List.of("broadcast", "dm"));
        assertTrue(dm.verify(NOW).ok());
        assertTrue(dm.canonical().endsWith("|" + (NOW + HOUR) + "|broadcast,dm"));
        SessionAttestation none = SessionAttestation.sign(parent, session.publicKeyHex(), NOW + HOUR, List.of());
        assertTrue(none.verify(NOW).ok());
        assertTrue(none.canonical().endsWith("|" + (NOW + HOUR) + "|"));
        // Dropping the caps (to widen them to the full member set) or changing them breaks the signature.
        assertRefused(SessionReason.BAD_SIGNATURE,
                new SessionAttestation(dm.parentPubkey(), dm.sessionPubkey(), dm.expiresAt(), null, dm.signature()).verify(NOW));
        assertRefused(SessionReason.BAD_SIGNATURE,
                new SessionAttestation(none.parentPubkey(), none.sessionPubkey(), none.expiresAt(), null, none.signature()).verify(NOW));
        assertRefused(SessionReason.BAD_SIGNATURE,
                new SessionAttestation(dm.parentPubkey(), dm.sessionPubkey(), dm.expiresAt(), List.of("dm"), dm.signature()).verify(NOW));
    }

    @Test
    void capsThatAreNotCanonicalAreMalformed() {
        SessionAttestation a = valid();
        for (List<String> bad : List.of(List.of("dm", "broadcast"), List.of("dm", "dm"), List.of("DM"), List.of("a,b"), List.of("a|b"), List.of(""))) {
            assertRefused(SessionReason.MALFORMED, new SessionAttestation(a.parentPubkey(), a.sessionPubkey(), a.expiresAt(), bad, a.signature()).verify(NOW));
        }
        assertThrows(IllegalArgumentException.class, () -> SessionAttestation.sign(parent, session.publicKeyHex(), NOW + HOUR, List.of("dm", "broadcast")));
    }

    @Test
    void userCapsAreParsedIntoCanonicalForm() {
        assertEquals(List.of("broadcast", "dm"), SessionCaps.parseKnown(" DM,broadcast,dm "));
        assertEquals(List.of(), SessionCaps.parseKnown(""));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SessionCaps.parseKnown("dm,tpyo"));
        assertTrue(e.getMessage().contains("unknown capability 'tpyo'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SessionCaps.parseKnown("dm,,broadcast"));
    }

    // senderHasCap: one function, Grants.senderHasCap, with the seed's cases in GrantsTest.

    // ---- verifySessionHelloSignature ----

    private Frames.SessionHello hello(Identity signer, String signedMesh, long timestamp, SessionAttestation a) {
        String sig = signer.signHex(Canonical.sessionHello(signedMesh, parent.publicKeyHex(), session.publicKeyHex(), timestamp, NONCE));
        return new Frames.SessionHello("h1", MESH_A, session.publicKeyHex(), parent.publicKeyHex(), null, a, timestamp, null, sig, null);
    }

    @Test
    void aValidSessionHelloPasses() {
        assertTrue(SessionHelloCheck.check(MESH_A, NONCE, hello(session, MESH_A, NOW, valid()), NOW).ok());
        assertTrue(SessionHelloProof.verify(MESH_A, parent.publicKeyHex(), session.publicKeyHex(), NOW, NONCE,
                SessionHelloProof.sign(session, MESH_A, parent.publicKeyHex(), NOW, NONCE), NOW).ok());
    }

    @Test
    void aHelloSignedWithTheParentKeyIsABadSignature() {
        assertRefused(SessionReason.BAD_SIGNATURE, SessionHelloCheck.check(MESH_A, NONCE, hello(parent, MESH_A, NOW, valid()), NOW));
    }

    @Test
    void aHelloMoreThanSixtySecondsOffIsSkewed() {
        assertRefused(SessionReason.TIMESTAMP_SKEW, SessionHelloCheck.check(MESH_A, NONCE, hello(session, MESH_A, NOW - 61_000, valid()), NOW));
        assertRefused(SessionReason.TIMESTAMP_SKEW, SessionHelloCheck.check(MESH_A, NONCE, hello(session, MESH_A, NOW + 61_000, valid()), NOW));
        assertRefused(SessionReason.TIMESTAMP_SKEW, SessionHelloCheck.check(MESH_A, NONCE, hello(session, MESH_A, Long.MIN_VALUE, valid()), NOW));
        assertTrue(SessionHelloCheck.check(MESH_A, NONCE, hello(session, MESH_A, NOW - 60_000, valid()), NOW).ok());
    }

    @Test
    void aHelloSignedForMeshAIsABadSignatureInMeshB() {
        assertRefused(SessionReason.BAD_SIGNATURE, SessionHelloCheck.check(MESH_B, NONCE, hello(session, MESH_A, NOW, valid()), NOW));
    }

    @Test
    void aHelloForAnotherChallengeIsABadSignature() {
        assertRefused(SessionReason.BAD_SIGNATURE, SessionHelloCheck.check(MESH_A, "cd".repeat(32), hello(session, MESH_A, NOW, valid()), NOW));
    }

    @Test
    void aStolenAttestationWithoutTheSessionSecretIsRefused() {
        // The thief has the attestation (e.g. read from a log) and its own key, not the session's secret.
        SessionAttestation stolen = valid();
        String sig = other.signHex(Canonical.sessionHello(MESH_A, parent.publicKeyHex(), session.publicKeyHex(), NOW, NONCE));
        Frames.SessionHello asVictim = new Frames.SessionHello("h", MESH_A, session.publicKeyHex(), parent.publicKeyHex(), null, stolen, NOW, null, sig, null);
        assertRefused(SessionReason.BAD_SIGNATURE, SessionHelloCheck.check(MESH_A, NONCE, asVictim, NOW));
        // ... and presenting it for its own key fails because the attestation vouches for another key.
        String own = SessionHelloProof.sign(other, MESH_A, parent.publicKeyHex(), NOW, NONCE);
        Frames.SessionHello asSelf = new Frames.SessionHello("h", MESH_A, other.publicKeyHex(), parent.publicKeyHex(), null, stolen, NOW, null, own, null);
        assertRefused(SessionReason.BAD_SIGNATURE, SessionHelloCheck.check(MESH_A, NONCE, asSelf, NOW));
    }

    @Test
    void aHelloNamingAnotherParentIsRefused() {
        Frames.SessionHello h = hello(session, MESH_A, NOW, valid());
        Frames.SessionHello lying = new Frames.SessionHello("h", MESH_A, h.pubkey(), other.publicKeyHex(), null, h.attestation(), NOW, null, h.signature(), null);
        assertRefused(SessionReason.BAD_SIGNATURE, SessionHelloCheck.check(MESH_A, NONCE, lying, NOW));
    }

    @Test
    void theFrameRoundTripsWithCapsAbsentOrEmpty() {
        for (List<String> caps : java.util.Arrays.asList(null, List.<String>of(), List.of("dm"))) {
            SessionAttestation a = SessionAttestation.sign(parent, session.publicKeyHex(), NOW + HOUR, caps);
            Frames.SessionHello h = hello(session, MESH_A, NOW, a);
            String json = FrameCodec.encode(h);
            assertEquals(caps != null, json.contains("\"caps\""), json);
            Frames.SessionHello back = (Frames.SessionHello) FrameCodec.decode(json);
            assertEquals(h, back);
            assertTrue(SessionHelloCheck.check(MESH_A, NONCE, back, NOW).ok());
        }
    }
}
