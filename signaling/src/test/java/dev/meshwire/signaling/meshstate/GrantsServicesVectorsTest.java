package dev.meshwire.signaling.meshstate;

import static dev.meshwire.signaling.TestVectors.ALICE_PUB;
import static dev.meshwire.signaling.TestVectors.AUTHORITY_PUB;
import static dev.meshwire.signaling.TestVectors.BOB_PUB;
import static dev.meshwire.signaling.TestVectors.EVENT_HASH;
import static dev.meshwire.signaling.TestVectors.EVENT_T0;
import static dev.meshwire.signaling.TestVectors.MESH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.signaling.Canonical;
import dev.meshwire.signaling.TestVectors;
import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.crypto.Signatures;
import dev.meshwire.signaling.frame.Frames;
import dev.meshwire.signaling.service.ServiceAttestation;
import dev.meshwire.signaling.service.ServiceHelloCheck;
import dev.meshwire.signaling.session.SessionHelloCheck;
import dev.meshwire.signaling.session.SessionReason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The vectors of docs/test-vectors.md "Service attestation" and "Grant event", reproduced independently with
 * Python's {@code cryptography} Ed25519 from the same seeds; the document must show exactly these values.
 */
class GrantsServicesVectorsTest {
    static final long EXPIRES = 1767830400000L;
    static final String SERVICE_CANONICAL = "meshwire-service-attest|v1|m_0011223344556677|79b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664|hook-1|cd14b37f956e953194ff7fb73b3d81dcc561d61a7538094b7c3e1a643ee5f3aa|webhook|dm:read,dm:write|1767830400000|http-webhook|";
    static final String SERVICE_SIG = "0219e589b50dc529a1d4443188c93fb4e225f32153c52565d454fd168d7ccedab6bf732f30fb0b9184ab25bb341a1ce5be2c1441eb58a9c49e5f37948ddb860d";
    static final String DELEGATED_CANONICAL = "meshwire-service-attest|v1|m_0011223344556677|79b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664|room-bot|cd14b37f956e953194ff7fb73b3d81dcc561d61a7538094b7c3e1a643ee5f3aa|livekit|dm:write,topic:write|1767830400000|livekit|79b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664";
    static final String DELEGATED_SIG = "dfb1f4fee40cd44880576435e38f82caad41d0fb9a127ac54c2074c57fdcc7488cc7e5be4579a3652c0ebf1ed5e72f914cbffdd54acdb35faa7edd2fb7436407";
    static final String SERVICE_HELLO_CANONICAL = "meshwire-session-hello|v1|m_0011223344556677|79b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664|cd14b37f956e953194ff7fb73b3d81dcc561d61a7538094b7c3e1a643ee5f3aa|1767225600000|0000000000000000000000000000000000000000000000000000000000000000";
    static final String SERVICE_HELLO_SIG = "4ee015bf6308f31261d55bf5d4d5e5f6880bf8581b161263baf3b056ac18b70e71584c8681f612cf8beaf65145f5a4d6851603bbdaa439aa72a668aea2099c05";
    static final String GRANT_CANONICAL = "meshwire-mesh-event|v1|m_0011223344556677|5|ad9545d7b8bf6c5791ed493c7623c7c5e872c2ade74f3239c3b942cc22d1d161|grant_set|1767225604000|79b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664|{\"caps\":\"\",\"recipient\":\"79b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664\",\"sender\":\"cd14b37f956e953194ff7fb73b3d81dcc561d61a7538094b7c3e1a643ee5f3aa\"}";
    static final String GRANT_HASH = "c65e6b0bc3d0920d6fba36a2219563b56869bbed916ad0777b326b8776b336a3";
    static final String GRANT_SIG = "dc28db78252e05ef79ad8e07cca122a46c78ba79973c7e1d47c7f4a2c1dc48ab3312d9e722531079e13866e5b19570f09cf2b938987ada8eab5091af9a061803";

    final Identity alice = TestVectors.alice();

    @Test
    void theDocumentShowsTheseValues() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "test-vectors.md"));
        for (String v : List.of(SERVICE_CANONICAL, SERVICE_SIG, DELEGATED_CANONICAL, DELEGATED_SIG, SERVICE_HELLO_CANONICAL, SERVICE_HELLO_SIG,
                GRANT_CANONICAL, GRANT_HASH, GRANT_SIG)) {
            assertTrue(doc.contains(v), "docs/test-vectors.md lacks " + v);
        }
    }

    @Test
    void serviceAttestations() {
        ServiceAttestation a = ServiceAttestation.sign(alice, MESH, "hook-1", BOB_PUB, "webhook", "dm:read,dm:write", EXPIRES, "http-webhook", null);
        assertEquals(SERVICE_CANONICAL, a.canonical());
        assertEquals(SERVICE_SIG, a.signature());
        assertTrue(a.signatureValid());
        ServiceAttestation d = ServiceAttestation.sign(alice, MESH, "room-bot", BOB_PUB, "livekit", "dm:write,topic:write", EXPIRES, "livekit", ALICE_PUB);
        assertEquals(DELEGATED_CANONICAL, d.canonical());
        assertEquals(DELEGATED_SIG, d.signature());
        // Any field changed breaks the signature (mesh binding, scopes, expiry, delegate).
        assertFalse(new ServiceAttestation("m_ffffffffffffffff", a.owner(), a.serviceId(), a.servicePubkey(), a.type(), a.scopes(), a.expiresAt(),
                a.transport(), null, a.signature()).signatureValid(), "signed for mesh A, presented to mesh B");
        assertFalse(new ServiceAttestation(a.mesh(), a.owner(), a.serviceId(), a.servicePubkey(), a.type(), "dm:read,dm:write,rpc:invoke",
                a.expiresAt(), a.transport(), null, a.signature()).signatureValid(), "widened scopes");
        assertFalse(new ServiceAttestation(a.mesh(), a.owner(), a.serviceId(), a.servicePubkey(), a.type(), a.scopes(), a.expiresAt() + 1,
                a.transport(), null, a.signature()).signatureValid(), "extended expiry");
        assertFalse(new ServiceAttestation(a.mesh(), a.owner(), a.serviceId(), a.servicePubkey(), a.type(), a.scopes(), a.expiresAt(),
                a.transport(), ALICE_PUB, a.signature()).signatureValid(), "a delegate added");
        assertFalse(new ServiceAttestation(a.mesh(), BOB_PUB, a.serviceId(), ALICE_PUB, a.type(), a.scopes(), a.expiresAt(),
                a.transport(), null, a.signature()).signatureValid(), "claimed by another owner");
    }

    @Test
    void malformedAttestationsNameTheirProblem() {
        ServiceAttestation a = ServiceAttestation.sign(alice, MESH, "hook-1", BOB_PUB, "webhook", "dm:read,dm:write", EXPIRES, "http-webhook", null);
        assertEquals(null, a.problem());
        assertTrue(new ServiceAttestation(MESH, ALICE_PUB, "Hook|1", BOB_PUB, "webhook", "dm:read", EXPIRES, "ws", null, a.signature())
                .problem().startsWith("service name"));
        assertTrue(new ServiceAttestation(MESH, ALICE_PUB, "hook-1", ALICE_PUB, "webhook", "dm:read", EXPIRES, "ws", null, a.signature())
                .problem().contains("owner's member key"));
        assertTrue(new ServiceAttestation(MESH, ALICE_PUB, "hook-1", BOB_PUB, "webhook", "dm:write,dm:read", EXPIRES, "ws", null, a.signature())
                .problem().startsWith("scopes"));
        assertTrue(new ServiceAttestation(MESH, ALICE_PUB, "hook-1", BOB_PUB, "webhook", "dm:read", EXPIRES, "ws|x", null, a.signature())
                .problem().startsWith("transport"));
        assertFalse(new ServiceAttestation(MESH, ALICE_PUB, "hook-1", BOB_PUB, "webhook", "dm:read", EXPIRES, "ws|x", null, a.signature())
                .signatureValid(), "a malformed attestation never verifies");
    }

    /** The service hello vector, and what {@link ServiceHelloCheck} refuses around it (docs/protocol.md §6.4 "Service connections"). */
    @Test
    void serviceHello() {
        ServiceAttestation a = ServiceAttestation.sign(alice, MESH, "hook-1", BOB_PUB, "webhook", "dm:read,dm:write", EXPIRES, "http-webhook", null);
        String nonce = "0".repeat(64);
        assertEquals(SERVICE_HELLO_CANONICAL, Canonical.sessionHello(MESH, ALICE_PUB, BOB_PUB, EVENT_T0, nonce));
        assertEquals(SERVICE_HELLO_SIG, TestVectors.bob().signHex(SERVICE_HELLO_CANONICAL));
        Frames.SessionHello hello = new Frames.SessionHello("s", MESH, BOB_PUB, ALICE_PUB, null, null, EVENT_T0, null, SERVICE_HELLO_SIG, null, a);
        assertTrue(ServiceHelloCheck.check(MESH, nonce, hello, EVENT_T0).ok());
        assertEquals(SessionReason.BAD_SIGNATURE, ServiceHelloCheck.check("m_ffffffffffffffff", nonce, hello, EVENT_T0).reason(),
                "an attestation for another mesh");
        assertEquals(SessionReason.BAD_SIGNATURE, ServiceHelloCheck.check(MESH, "1".repeat(64), hello, EVENT_T0).reason(),
                "a proof over another challenge");
        assertEquals(SessionReason.EXPIRED, ServiceHelloCheck.check(MESH, nonce, hello, EXPIRES).reason());
        assertEquals(SessionReason.TTL_TOO_LONG, ServiceHelloCheck.check(MESH, nonce, hello,
                EXPIRES - ServiceAttestation.MAX_TTL_MS - ServiceAttestation.SKEW_MS - 1).reason());
        Frames.SessionHello asOwner = new Frames.SessionHello("s", MESH, ALICE_PUB, ALICE_PUB, null, null, EVENT_T0, null, SERVICE_HELLO_SIG, null, a);
        assertEquals(SessionReason.BAD_SIGNATURE, ServiceHelloCheck.check(MESH, nonce, asOwner, EVENT_T0).reason(),
                "the attestation presented for another key");
        Frames.SessionHello both = new Frames.SessionHello("s", MESH, BOB_PUB, ALICE_PUB, null,
                dev.meshwire.signaling.session.SessionAttestation.sign(alice, BOB_PUB, EVENT_T0 + 1000, null), EVENT_T0, null, SERVICE_HELLO_SIG, null, a);
        assertEquals(SessionReason.MALFORMED, ServiceHelloCheck.check(MESH, nonce, both, EVENT_T0).reason());
        assertEquals(SessionReason.MALFORMED, SessionHelloCheck.check(MESH, nonce, both, EVENT_T0).reason());
    }

    @Test
    void grantEvent() {
        Identity authority = TestVectors.authority();
        MeshEvent e = MeshEvent.seal(authority, MESH, new StateRef(4, EVENT_HASH[3]), EVENT_T0 + 4000, ALICE_PUB,
                new EventPayload.GrantSet(ALICE_PUB, BOB_PUB, ""));
        assertEquals(GRANT_CANONICAL, e.canonical());
        assertEquals(GRANT_HASH, e.hash());
        assertEquals(GRANT_HASH, Canonical.sha256Hex(GRANT_CANONICAL));
        assertEquals(GRANT_SIG, e.signature());
        assertTrue(Signatures.verify(AUTHORITY_PUB, GRANT_CANONICAL, GRANT_SIG));
    }
}
