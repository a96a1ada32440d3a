package dev.meshwire.signaling.subpeer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.signaling.Canonical;
import dev.meshwire.signaling.TestVectors;
import dev.meshwire.signaling.service.ServiceAttestation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * docs/test-vectors.md "Sub-peer set" (reproduced with Python {@code cryptography}'s Ed25519 from bob's seed) and the
 * rules of docs/protocol.md §6.5: names, order, limits, who may front sub-peers.
 */
class SubpeerSetTest {
    static final long SEQ = 1767225600000L;
    static final List<String> NAMES = List.of("lk:Zed", "lk:alice", "lk:bob%20smith", "lk:zoë");
    static final String CANONICAL = "meshwire-subpeers|v1|" + TestVectors.MESH + "|" + TestVectors.BOB_PUB + "|1767225600000|"
            + "lk:Zed\nlk:alice\nlk:bob%20smith\nlk:zoë";
    static final String SHA256 = "486e85753cfc8fac536eab29caf2ae81bd89c36230fa67412a632a506baf3b90";
    static final String SIGNATURE = "fb87a94f560b04e6abfa09a08812cbd037047b2ef432813aa9ce00e5b7e9fb1f"
            + "e7d750b667e5143ddbe13c3a93206d30e808445de8ba2e6d9d6b0089d7cc5f0b";

    @Test
    void theVector() throws Exception {
        // Given in any order, signed in the canonical one (UTF-8 bytes, unsigned: 'Z' < 'a' < 'z').
        SubpeerSet s = SubpeerSet.sign(TestVectors.bob(), TestVectors.MESH, SEQ, List.of("lk:zoë", "lk:alice", "lk:bob%20smith", "lk:Zed"));
        assertEquals(NAMES, s.names());
        assertEquals(CANONICAL, s.canonical());
        assertEquals(SHA256, Canonical.sha256Hex(CANONICAL));
        assertEquals(SIGNATURE, s.signature());
        assertNull(s.problem());
        assertTrue(s.valid());
        String doc = Files.readString(Path.of("..", "docs", "test-vectors.md"));
        for (String v : new String[] {CANONICAL, SHA256, SIGNATURE}) assertTrue(doc.contains(v), "docs/test-vectors.md lacks " + v);
    }

    @Test
    void anythingChangedNoLongerVerifies() {
        assertFalse(new SubpeerSet(TestVectors.MESH, TestVectors.BOB_PUB, SEQ + 1, NAMES, SIGNATURE).valid(), "another seq");
        assertFalse(new SubpeerSet("m_ffffffffffffffff", TestVectors.BOB_PUB, SEQ, NAMES, SIGNATURE).valid(), "another mesh");
        assertFalse(new SubpeerSet(TestVectors.MESH, TestVectors.BOB_PUB, SEQ, NAMES.subList(0, 3), SIGNATURE).valid(), "a name dropped");
        assertFalse(new SubpeerSet(TestVectors.MESH, TestVectors.ALICE_PUB, SEQ, NAMES, SIGNATURE).valid(), "another service key");
        assertEquals("names must be unique and sorted by their UTF-8 bytes",
                new SubpeerSet(TestVectors.MESH, TestVectors.BOB_PUB, SEQ, List.of("lk:alice", "lk:Zed"), SIGNATURE).problem());
        assertEquals("names must be unique and sorted by their UTF-8 bytes",
                new SubpeerSet(TestVectors.MESH, TestVectors.BOB_PUB, SEQ, List.of("lk:a", "lk:a"), SIGNATURE).problem());
        assertEquals("seq must be a positive integer", new SubpeerSet(TestVectors.MESH, TestVectors.BOB_PUB, 0, NAMES, SIGNATURE).problem());
        assertEquals("signature must be 128 lowercase hex characters", new SubpeerSet(TestVectors.MESH, TestVectors.BOB_PUB, SEQ, NAMES, "ab").problem());
        assertTrue(new SubpeerSet(TestVectors.MESH, TestVectors.BOB_PUB, SEQ, List.of(), SubpeerSet.sign(TestVectors.bob(), TestVectors.MESH, SEQ,
                List.of()).signature()).valid(), "the empty set is a statement too (nobody is there)");
    }

    @Test
    void names() {
        for (String ok : new String[] {"lk:alice", "lk:a", "lk:" + "x".repeat(128), "lk:zoë", "lk:bob%20smith", "lk:a:b", "room-2:alice", "lk:🙂"}) {
            assertNull(SubpeerSet.nameProblem(ok), ok);
        }
        for (String bad : new String[] {"alice", ":alice", "LK:alice", "lk:", "lk:" + "x".repeat(129), "lk:al ice", "lk:a\nb", "lk:a\u0000",
                "lk:a\u2003b", "1k:alice", "abcdefghijklmnopq:x", null}) {
            assertNotNull(SubpeerSet.nameProblem(bad), String.valueOf(bad));
        }
    }

    @Test
    void onlyLiveKitServicesWithDmReadMayFront() {
        assertNull(SubpeerSet.frontingRefusal(attestation("livekit-room", "dm:read,dm:write,topic:write")));
        assertNull(SubpeerSet.frontingRefusal(attestation("livekit", "dm:read")));
        assertEquals("service 'svc' is of type webhook; only livekit, livekit-room services may front sub-peers",
                SubpeerSet.frontingRefusal(attestation("webhook", "dm:read")));
        assertEquals("service 'svc' lacks the dm:read scope, so its sub-peers could not be reached",
                SubpeerSet.frontingRefusal(attestation("livekit-room", "dm:write,topic:write")));
    }

    static ServiceAttestation attestation(String type, String scopes) {
        return ServiceAttestation.sign(TestVectors.alice(), TestVectors.MESH, "svc", TestVectors.BOB_PUB, type, scopes, SEQ + 1, "livekit", null);
    }
}
