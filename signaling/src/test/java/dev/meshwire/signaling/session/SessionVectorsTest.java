package dev.meshwire.signaling.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.signaling.Canonical;
import dev.meshwire.signaling.TestVectors;
import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.frame.Frames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The vectors of docs/test-vectors.md "Session attestation" and "Session hello" (the signatures were also produced
 * with Python's cryptography package, an independent Ed25519 implementation).
 */
class SessionVectorsTest {
    private final Identity alice = TestVectors.alice();
    private final Identity session = TestVectors.session();

    @Test
    void theDocumentShowsTheseValues() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "test-vectors.md"));
        for (String v : List.of(TestVectors.SESSION_PUB, TestVectors.SESSION_ATTEST_CANONICAL, TestVectors.SESSION_ATTEST_SIG,
                TestVectors.SESSION_ATTEST_CAPS_CANONICAL, TestVectors.SESSION_ATTEST_CAPS_SIG, TestVectors.SESSION_HELLO_CANONICAL,
                TestVectors.SESSION_HELLO_SIG)) {
            assertTrue(doc.contains(v), "docs/test-vectors.md lacks " + v);
        }
    }

    @Test
    void attestationVectors() {
        assertEquals(TestVectors.SESSION_PUB, session.publicKeyHex());
        SessionAttestation plain = SessionAttestation.sign(alice, TestVectors.SESSION_PUB, TestVectors.SESSION_EXPIRES_AT, null);
        assertEquals(TestVectors.SESSION_ATTEST_CANONICAL, plain.canonical());
        assertEquals(TestVectors.SESSION_ATTEST_SIG, plain.signature());
        SessionAttestation caps = SessionAttestation.sign(alice, TestVectors.SESSION_PUB, TestVectors.SESSION_EXPIRES_AT, List.of("broadcast", "dm"));
        assertEquals(TestVectors.SESSION_ATTEST_CAPS_CANONICAL, caps.canonical());
        assertEquals(TestVectors.SESSION_ATTEST_CAPS_SIG, caps.signature());
        assertTrue(plain.verify(TestVectors.EVENT_T0).ok());
        assertTrue(caps.verify(TestVectors.EVENT_T0).ok());
    }

    @Test
    void sessionHelloVector() {
        assertEquals(TestVectors.SESSION_HELLO_CANONICAL,
                Canonical.sessionHello(TestVectors.MESH, TestVectors.ALICE_PUB, TestVectors.SESSION_PUB, TestVectors.EVENT_T0, TestVectors.NONCE_ZERO));
        assertEquals(TestVectors.SESSION_HELLO_SIG,
                SessionHelloProof.sign(session, TestVectors.MESH, TestVectors.ALICE_PUB, TestVectors.EVENT_T0, TestVectors.NONCE_ZERO));
        SessionAttestation a = new SessionAttestation(TestVectors.ALICE_PUB, TestVectors.SESSION_PUB, TestVectors.SESSION_EXPIRES_AT, null,
                TestVectors.SESSION_ATTEST_SIG);
        Frames.SessionHello h = new Frames.SessionHello("h", TestVectors.MESH, TestVectors.SESSION_PUB, TestVectors.ALICE_PUB, null, a,
                TestVectors.EVENT_T0, null, TestVectors.SESSION_HELLO_SIG, null);
        assertTrue(SessionHelloCheck.check(TestVectors.MESH, TestVectors.NONCE_ZERO, h, TestVectors.EVENT_T0).ok());
    }
}
