package dev.meshwire.signaling.meshstate;

import static dev.meshwire.signaling.TestVectors.ALICE_PUB;
import static dev.meshwire.signaling.TestVectors.AUTHORITY_PUB;
import static dev.meshwire.signaling.TestVectors.EVENT_HASH;
import static dev.meshwire.signaling.TestVectors.EVENT_T0;
import static dev.meshwire.signaling.TestVectors.MESH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.signaling.Canonical;
import dev.meshwire.signaling.TestVectors;
import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.crypto.Signatures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * docs/test-vectors.md "Group events": events v5 and v6 after the "Mesh event" history, reproduced independently with
 * Python's hashlib and {@code cryptography} Ed25519 from the authority seed 0x40..0x5f.
 */
class GroupVectorsTest {
    static final String CREATED_CANONICAL = "meshwire-mesh-event|v1|m_0011223344556677|5|ad9545d7b8bf6c5791ed493c7623c7c5e872c2ade74f3239c3b942cc22d1d161|group_created|1767225604000|79b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664|{\"name\":\"frontend\"}";
    static final String CREATED_HASH = "e1a7a18ffff22abcb73b6eed6c3b6018861102217436da3177bde5034c2b9225";
    static final String CREATED_SIG = "3e6ec265a5602c8cc16b9bc050a6356804e3fc6a3d73170d7fb28a9d8a164df0f4362f74c25d2e0eabf31fc1ab55fd66336507f066e471e61c69082012bdf003";
    static final String MEMBER_CANONICAL = "meshwire-mesh-event|v1|m_0011223344556677|6|e1a7a18ffff22abcb73b6eed6c3b6018861102217436da3177bde5034c2b9225|group_member_set|1767225605000|79b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664|{\"group\":\"frontend\",\"pubkey\":\"79b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664\",\"role\":\"lead\"}";
    static final String MEMBER_HASH = "8280475abfc6a4933ce93c9b9c9e68ebd4a0ce98bc2a0768e047b76064652b40";
    static final String MEMBER_SIG = "e5af5a6ca4470947a777a23fa3773ed8b041c597e46acea48a95caa61e7ba317b533d418e0a20dc420491e5eddcbce52b285c6944e2d8868ff9770e309d22f02";

    @Test
    void theDocumentShowsTheseValues() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "test-vectors.md"));
        for (String v : List.of(CREATED_CANONICAL, CREATED_HASH, CREATED_SIG, MEMBER_CANONICAL, MEMBER_HASH, MEMBER_SIG)) {
            assertTrue(doc.contains(v), "docs/test-vectors.md lacks " + v);
        }
    }

    @Test
    void groupEvents() {
        Identity authority = TestVectors.authority();
        MeshEvent created = MeshEvent.seal(authority, MESH, new StateRef(4, EVENT_HASH[3]), EVENT_T0 + 4000, ALICE_PUB,
                new EventPayload.GroupCreated("frontend"));
        assertEquals(CREATED_CANONICAL, created.canonical());
        assertEquals(CREATED_HASH, created.hash());
        assertEquals(CREATED_HASH, Canonical.sha256Hex(CREATED_CANONICAL));
        assertEquals(CREATED_SIG, created.signature());
        MeshEvent member = MeshEvent.seal(authority, MESH, created.ref(), EVENT_T0 + 5000, ALICE_PUB,
                new EventPayload.GroupMemberSet("frontend", ALICE_PUB, "lead"));
        assertEquals(MEMBER_CANONICAL, member.canonical());
        assertEquals(MEMBER_HASH, member.hash());
        assertEquals(MEMBER_SIG, member.signature());
        assertTrue(Signatures.verify(AUTHORITY_PUB, MEMBER_CANONICAL, MEMBER_SIG));
        assertEquals(new EventPayload.GroupMemberSet("frontend", ALICE_PUB, "lead"), member.payload());
    }
}
