package dev.meshwire.signaling.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.signaling.TestVectors;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Body v3, sender keys (docs/protocol.md §12.1; docs/test-vectors.md "Group body v3"): alice seals "hello @frontend" for
 * bob with K = 0x40..0x5f, the secretbox nonce n2 = 0x60..0x77 and the box nonce n1 = 0x00..0x17.
 */
class SenderKeyVectorsTest {
    static final String CONTENT = "hello @frontend";
    static final String N1_B64 = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYX";
    static final String CIPHERTEXT_B64 = "6uxKTLw05tmVFbYvX4YHFDfgJJi8r+cQahnbxhZUyJYVu9FFxRIv9A5CfPURL82CYGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3CiiC15SEB/xwVVT4B68X1Isr8bQL4D9VkDf86xOU8w==";

    static byte[] range(int from, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (from + i);
        return b;
    }

    final BoxCipher alice = new BoxCipher(TestVectors.alice());
    final BoxCipher bob = new BoxCipher(TestVectors.bob());
    final PublicKey alicePub = PublicKey.fromHex(TestVectors.ALICE_PUB);
    final PublicKey bobPub = PublicKey.fromHex(TestVectors.BOB_PUB);

    SealedBody vector() {
        SenderKeyBody.Content c = SenderKeyBody.sealContent(CONTENT.getBytes(StandardCharsets.UTF_8), range(0x40, 32), range(0x60, 24));
        return SenderKeyBody.forRecipient(alice, bobPub, c, range(0, 24));
    }

    @Test
    void theVector() throws Exception {
        SealedBody b = vector();
        assertEquals(N1_B64, Base64.getEncoder().encodeToString(b.nonce()));
        assertEquals(CIPHERTEXT_B64, Base64.getEncoder().encodeToString(b.ciphertext()));
        assertEquals(48 + 24 + CONTENT.length() + 16, b.ciphertext().length);
        // the layout: box(K) ‖ n2 ‖ secretbox(content)
        byte[] k = bob.open(alicePub, b.nonce(), java.util.Arrays.copyOfRange(b.ciphertext(), 0, 48));
        assertArrayEquals(range(0x40, 32), k);
        assertArrayEquals(range(0x60, 24), java.util.Arrays.copyOfRange(b.ciphertext(), 48, 72));
        assertEquals(CONTENT, new String(SecretBox.open(k, range(0x60, 24), java.util.Arrays.copyOfRange(b.ciphertext(), 72, b.ciphertext().length)),
                StandardCharsets.UTF_8));
        assertEquals(CONTENT, new String(SenderKeyBody.open(bob, alicePub, b.nonce(), b.ciphertext()), StandardCharsets.UTF_8));
        String doc = Files.readString(Path.of("..", "docs", "test-vectors.md"));
        for (String v : List.of(CIPHERTEXT_B64, CONTENT)) assertTrue(doc.contains(v), "docs/test-vectors.md lacks " + v);
    }

    @Test
    void contentIsSealedOnceAndEachRecipientOpensOnlyItsOwnCopy() {
        Identity carolId = Identity.generate();
        BoxCipher carol = new BoxCipher(carolId);
        SenderKeyBody.Content c = SenderKeyBody.sealContent("one secretbox, many keys".getBytes(StandardCharsets.UTF_8));
        SealedBody toBob = SenderKeyBody.forRecipient(alice, bobPub, c);
        SealedBody toCarol = SenderKeyBody.forRecipient(alice, carolId.publicKey(), c);
        // the same secretbox travels in both copies; only box(K) and n1 differ
        assertArrayEquals(java.util.Arrays.copyOfRange(toBob.ciphertext(), 48, toBob.ciphertext().length),
                java.util.Arrays.copyOfRange(toCarol.ciphertext(), 48, toCarol.ciphertext().length));
        assertEquals("one secretbox, many keys", new String(SenderKeyBody.open(bob, alicePub, toBob.nonce(), toBob.ciphertext()), StandardCharsets.UTF_8));
        assertEquals("one secretbox, many keys", new String(SenderKeyBody.open(carol, alicePub, toCarol.nonce(), toCarol.ciphertext()), StandardCharsets.UTF_8));
        assertThrows(CryptoException.class, () -> SenderKeyBody.open(carol, alicePub, toBob.nonce(), toBob.ciphertext()), "bob's copy is not carol's");
    }

    @Test
    void alteredOrShortBodiesAreRefused() {
        SealedBody b = vector();
        for (int i : new int[] {0, 47, 48, 71, 72, b.ciphertext().length - 1}) {
            byte[] x = b.ciphertext().clone();
            x[i] ^= 1;
            assertThrows(CryptoException.class, () -> SenderKeyBody.open(bob, alicePub, b.nonce(), x), "flipped byte " + i);
        }
        CryptoException shortOne = assertThrows(CryptoException.class,
                () -> SenderKeyBody.open(bob, alicePub, b.nonce(), new byte[SenderKeyBody.MIN_CIPHERTEXT_BYTES - 1]));
        assertTrue(shortOne.getMessage().contains("too short"), shortOne.getMessage());
        assertThrows(CryptoException.class, () -> SenderKeyBody.open(bob, bobPub, b.nonce(), b.ciphertext()), "claimed by another sender");
    }
}
