package dev.meshwire.signaling.crypto;

import static org.junit.jupiter.api.Assertions.*;

import dev.meshwire.signaling.TestVectors;
import dev.meshwire.signaling.meshstate.TopicSeal;
import dev.meshwire.signaling.topic.TopicKeys;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** docs/test-vectors.md "Topic key" (docs/protocol.md §12.2): the key check, a seal alice → bob, and a version-4 body. */
class TopicVectorsTest {
    static final String KEY_HEX = "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f";
    static final String KEY_CHECK = "7a76ae48807293826d296af8647d64fee4130cecee4f3c2cf27dd4f4b5a072ba";
    static final String SEAL_NONCE_B64 = TestVectors.BOX_NONCE_B64;
    static final String SEAL_BOX_B64 = "7QfIY09PjIYjrq2y8tODeVeARPjcz4dwCnm7pnY0qPZ127ElpXJPlG4iHJVxT63i";
    static final String BODY_NONCE_HEX = "18191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f";
    static final String BODY_NONCE_B64 = "GBkaGxwdHh8gISIjJCUmJygpKissLS4v";
    static final String BODY_TEXT = "hello #general";
    static final String BODY_CIPHERTEXT_B64 = "AAAAAaL+Om+9O0FYu5yu0SW8uAlv0FuMgXX83gZbqMZn8Q==";

    private final byte[] key = Hex.decode(KEY_HEX, 32, "key");

    @Test
    void keyCheck() {
        assertEquals(KEY_CHECK, TopicKeys.keyCheck(TestVectors.MESH, "general", 1, key));
        assertNotEquals(KEY_CHECK, TopicKeys.keyCheck(TestVectors.MESH, "general", 2, key), "bound to the epoch");
    }

    @Test
    void sealAliceToBob() {
        SealedBody b = new BoxCipher(TestVectors.alice()).seal(PublicKey.fromHex(TestVectors.BOB_PUB), key,
                Base64.getDecoder().decode(SEAL_NONCE_B64));
        assertEquals(SEAL_BOX_B64, Base64.getEncoder().encodeToString(b.ciphertext()));
        TopicSeal seal = new TopicSeal(TestVectors.ALICE_PUB, SEAL_NONCE_B64, SEAL_BOX_B64);
        assertArrayEquals(key, TopicKeys.open(new BoxCipher(TestVectors.bob()), seal, TestVectors.MESH, "general", 1, KEY_CHECK));
        // alice cannot open bob's copy (it is sealed to bob), and a wrong check value is refused
        assertThrows(CryptoException.class, () -> TopicKeys.open(new BoxCipher(TestVectors.alice()), seal, TestVectors.MESH, "general", 1, KEY_CHECK));
        assertThrows(CryptoException.class, () -> TopicKeys.open(new BoxCipher(TestVectors.bob()), seal, TestVectors.MESH, "general", 2, KEY_CHECK));
    }

    @Test
    void versionFourBody() {
        TopicKeys.Sealed s = TopicKeys.encrypt(1, key, BODY_TEXT.getBytes(StandardCharsets.UTF_8), Hex.decode(BODY_NONCE_HEX, 24, "nonce"));
        assertEquals(BODY_NONCE_B64, Base64.getEncoder().encodeToString(s.nonce()));
        assertEquals(BODY_CIPHERTEXT_B64, Base64.getEncoder().encodeToString(s.ciphertext()));
        byte[] ct = Base64.getDecoder().decode(BODY_CIPHERTEXT_B64);
        assertEquals(1, TopicKeys.epochOf(ct));
        assertEquals(BODY_TEXT, new String(TopicKeys.decrypt(key, s.nonce(), ct), StandardCharsets.UTF_8));
        byte[] other = key.clone();
        other[0] ^= 1;
        assertThrows(CryptoException.class, () -> TopicKeys.decrypt(other, s.nonce(), ct), "another key does not open it");
    }

    @Test
    void theDocumentShowsTheseValues() throws Exception {
        String doc = java.nio.file.Files.readString(java.nio.file.Path.of("..", "docs", "test-vectors.md"));
        for (String v : List.of(KEY_HEX, KEY_CHECK, SEAL_BOX_B64, BODY_NONCE_B64, BODY_CIPHERTEXT_B64)) {
            assertTrue(doc.contains(v), "docs/test-vectors.md lacks " + v);
        }
    }
}
