package dev.meshwire.signaling.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.signaling.Canonical;
import dev.meshwire.signaling.Json;
import dev.meshwire.signaling.TestVectors;
import dev.meshwire.signaling.envelope.Body;
import dev.meshwire.signaling.envelope.CanonicalJson;
import dev.meshwire.signaling.envelope.Channel;
import dev.meshwire.signaling.envelope.Envelope;
import dev.meshwire.signaling.envelope.EnvelopeSignature;
import dev.meshwire.signaling.envelope.Meta;
import dev.meshwire.signaling.envelope.Priority;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The vectors of docs/test-vectors.md "Join", "Invite v1", "Mesh creation", "WebRTC offer", "X25519 keys" and
 * "Meta escaping". Every signature was also reproduced with OpenSSL 3, the X25519 keys with OpenSSL and SHA-512
 * clamping, and the X25519 shared secret with Python's cryptography package.
 */
class ProtocolVectorsTest {
    private final Identity alice = TestVectors.alice();
    private final Identity bob = TestVectors.bob();

    private static void assertSigned(Identity signer, String canonical, String expectedCanonical, String expectedSig) {
        assertEquals(expectedCanonical, canonical);
        assertEquals(expectedSig, signer.signHex(canonical));
        assertTrue(Signatures.verify(signer.publicKeyHex(), canonical, expectedSig));
        assertFalse(Signatures.verify(signer.publicKeyHex(), canonical + " ", expectedSig), "altered string");
    }

    /** docs/test-vectors.md shows exactly the values asserted here, so the document cannot drift from the code. */
    @Test
    void theDocumentShowsTheseValues() throws Exception {
        String doc = java.nio.file.Files.readString(java.nio.file.Path.of("..", "docs", "test-vectors.md"));
        for (String v : List.of(TestVectors.JOIN_CANONICAL, TestVectors.JOIN_SIG, TestVectors.INVITE_V1_CANONICAL, TestVectors.INVITE_V1_SIG,
                TestVectors.MESH_CREATE_CANONICAL, TestVectors.MESH_CREATE_SIG, TestVectors.SDP_CANONICAL, TestVectors.SDP_SIG,
                TestVectors.ALICE_X25519_PUB, TestVectors.ALICE_X25519_SEC, TestVectors.BOB_X25519_PUB, TestVectors.BOB_X25519_SEC,
                TestVectors.X25519_SHARED, TestVectors.BOX_BEFORENM, TestVectors.ESCAPED_META_CANONICAL, TestVectors.ESCAPED_ENVELOPE_CANONICAL,
                TestVectors.ESCAPED_ENVELOPE_SIG, TestVectors.SDP.replace("\r\n", "\\r\\n"))) {
            assertTrue(doc.contains(v), "docs/test-vectors.md lacks " + v);
        }
    }

    @Test
    void joinSignature() {
        assertSigned(bob, Canonical.join(TestVectors.INVITE_ID, TestVectors.MESH, TestVectors.BOB_PUB, "bob", TestVectors.NONCE_ZERO),
                TestVectors.JOIN_CANONICAL, TestVectors.JOIN_SIG);
    }

    @Test
    void inviteV1Signature() {
        assertSigned(alice, Canonical.invite(TestVectors.MESH, TestVectors.INVITE_ID, TestVectors.ALICE_PUB, TestVectors.INVITE_EXPIRES_AT, 1),
                TestVectors.INVITE_V1_CANONICAL, TestVectors.INVITE_V1_SIG);
    }

    @Test
    void meshCreationSignature() {
        assertSigned(alice, Canonical.meshCreate(TestVectors.MESH_NAME, TestVectors.ALICE_PUB, "alice", TestVectors.EVENT_T0),
                TestVectors.MESH_CREATE_CANONICAL, TestVectors.MESH_CREATE_SIG);
    }

    @Test
    void p2pOfferSignature() {
        assertSigned(alice, Canonical.p2pSdp(TestVectors.MESH, TestVectors.ALICE_PUB, TestVectors.BOB_PUB, TestVectors.SDP_SESSION, "offer", TestVectors.SDP),
                TestVectors.SDP_CANONICAL, TestVectors.SDP_SIG);
        assertTrue(TestVectors.SDP_CANONICAL.endsWith("|offer|" + Canonical.sha256Hex(TestVectors.SDP)));
    }

    @Test
    void convertedX25519KeysAndTheBoxKey() {
        HexFormat hex = HexFormat.of();
        assertEquals(TestVectors.ALICE_X25519_PUB, hex.formatHex(alice.publicKey().toCurve25519()));
        assertEquals(TestVectors.ALICE_X25519_SEC, hex.formatHex(alice.curve25519SecretKey()));
        assertEquals(TestVectors.BOB_X25519_PUB, hex.formatHex(bob.publicKey().toCurve25519()));
        assertEquals(TestVectors.BOB_X25519_SEC, hex.formatHex(bob.curve25519SecretKey()));
        byte[] shared = new byte[32];
        assertTrue(Sodium.get().cryptoScalarMult(shared, alice.curve25519SecretKey(), bob.publicKey().toCurve25519()));
        assertEquals(TestVectors.X25519_SHARED, hex.formatHex(shared));
        byte[] k = new byte[32];
        byte[] k2 = new byte[32];
        assertTrue(Sodium.get().cryptoBoxBeforeNm(k, bob.publicKey().toCurve25519(), alice.curve25519SecretKey()));
        assertTrue(Sodium.get().cryptoBoxBeforeNm(k2, alice.publicKey().toCurve25519(), bob.curve25519SecretKey()));
        assertEquals(TestVectors.BOX_BEFORENM, hex.formatHex(k));
        assertEquals(TestVectors.BOX_BEFORENM, hex.formatHex(k2), "both sides derive the same box key");
    }

    @Test
    void metaEscapingAndTheEnvelopeSignedWithIt() {
        Meta meta = new Meta("cmid-0002", null, Priority.LOW, 30000L, null, null, null, null, null, "cmid-\"0001\"",
                List.of("quote\"back\\slash", "tab\tnl\ncr\r", "ctl\u0001\u001f", "é 😀"), null, 1767225600000L);
        assertEquals(TestVectors.ESCAPED_META_CANONICAL, CanonicalJson.write(Json.MAPPER.valueToTree(meta)));
        Envelope env = new Envelope(Envelope.VERSION, Channel.DM, TestVectors.BOB_PUB, TestVectors.ALICE_PUB,
                new Body(TestVectors.BOX_NONCE_B64, TestVectors.BOX_CIPHERTEXT_B64, Body.TEXT_V1), meta, null);
        assertEquals(TestVectors.ESCAPED_ENVELOPE_CANONICAL, EnvelopeSignature.canonical(env));
        Envelope signed = EnvelopeSignature.sign(env, alice);
        assertEquals(TestVectors.ESCAPED_ENVELOPE_SIG, signed.signature());
        assertTrue(EnvelopeSignature.verify(signed));
        // Escapes are lowercase \\u00xx for controls, two-character forms for \" \\ \t \n \r, everything else literal.
        assertTrue(TestVectors.ESCAPED_META_CANONICAL.contains("\"ctl\\u0001\\u001f\""));
        assertTrue(TestVectors.ESCAPED_META_CANONICAL.contains("\"é 😀\""));
    }
}
