package dev.meshwire.signaling.crypto;

import static org.junit.jupiter.api.Assertions.*;

import dev.meshwire.signaling.Canonical;
import dev.meshwire.signaling.TestVectors;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class CryptoVectorsTest {
    private final Identity alice = TestVectors.alice();
    private final Identity bob = TestVectors.bob();

    @Test
    void seedsGiveTheFixedPublicKeys() {
        assertEquals(TestVectors.ALICE_PUB, alice.publicKeyHex());
        assertEquals(TestVectors.BOB_PUB, bob.publicKeyHex());
    }

    @Test
    void helloSignatureMatchesVectorAndVerifies() {
        String canonical = Canonical.hello(TestVectors.MESH, alice.publicKeyHex(), TestVectors.NONCE_ZERO);
        assertEquals(TestVectors.HELLO_SIG, alice.signHex(canonical));
        assertTrue(Signatures.verify(TestVectors.ALICE_PUB, canonical, TestVectors.HELLO_SIG));
        assertFalse(Signatures.verify(TestVectors.BOB_PUB, canonical, TestVectors.HELLO_SIG), "wrong signer");
        assertFalse(Signatures.verify(TestVectors.ALICE_PUB, canonical + "x", TestVectors.HELLO_SIG), "altered message");
    }

    @Test
    void p2pSdpCanonicalFormHashesTheSdp() {
        String c = Canonical.p2pSdp(TestVectors.MESH, TestVectors.ALICE_PUB, TestVectors.BOB_PUB, "00".repeat(16), "offer", "");
        assertEquals("meshwire-p2p-sdp|v1|" + TestVectors.MESH + "|" + TestVectors.ALICE_PUB + "|" + TestVectors.BOB_PUB + "|"
                + "00".repeat(16) + "|offer|e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", c);
    }

    @Test
    void malformedKeysAndSignaturesAreInvalidNotExceptions() {
        String c = "anything";
        assertFalse(Signatures.verify("not-hex", c, TestVectors.HELLO_SIG));
        assertFalse(Signatures.verify(TestVectors.ALICE_PUB, c, "00"));
        assertFalse(Signatures.verify(TestVectors.ALICE_PUB.toUpperCase(), c, TestVectors.HELLO_SIG));
        assertFalse(Signatures.verify(null, c, null));
    }

    @Test
    void boxVectorDecryptsOnBothSides() {
        byte[] nonce = Base64.getDecoder().decode(TestVectors.BOX_NONCE_B64);
        byte[] ct = Base64.getDecoder().decode(TestVectors.BOX_CIPHERTEXT_B64);
        SealedBody sealed = new BoxCipher(alice).seal(bob.publicKey(), "hello bob".getBytes(StandardCharsets.UTF_8), nonce);
        assertArrayEquals(ct, sealed.ciphertext());
        assertEquals("hello bob", new String(new BoxCipher(bob).open(alice.publicKey(), nonce, ct), StandardCharsets.UTF_8));
        // crypto_box is symmetric in the shared key: the sender can open its own box too.
        assertEquals("hello bob", new String(new BoxCipher(alice).open(bob.publicKey(), nonce, ct), StandardCharsets.UTF_8));
    }

    @Test
    void tamperedOrMisaddressedBoxIsRefused() {
        SealedBody sealed = new BoxCipher(alice).seal(bob.publicKey(), "secret".getBytes(StandardCharsets.UTF_8));
        byte[] tampered = sealed.ciphertext().clone();
        tampered[tampered.length - 1] ^= 1;
        assertThrows(CryptoException.class, () -> new BoxCipher(bob).open(alice.publicKey(), sealed.nonce(), tampered));
        Identity eve = Identity.generate();
        assertThrows(CryptoException.class, () -> new BoxCipher(eve).open(alice.publicKey(), sealed.nonce(), sealed.ciphertext()));
        assertThrows(CryptoException.class, () -> new BoxCipher(bob).open(alice.publicKey(), new byte[3], sealed.ciphertext()));
        assertThrows(CryptoException.class, () -> new BoxCipher(bob).open(alice.publicKey(), sealed.nonce(), new byte[5]));
    }

    @Test
    void randomNoncesDiffer() {
        BoxCipher c = new BoxCipher(alice);
        byte[] m = "x".getBytes(StandardCharsets.UTF_8);
        assertFalse(java.util.Arrays.equals(c.seal(bob.publicKey(), m).nonce(), c.seal(bob.publicKey(), m).nonce()));
    }

    @Test
    void secretKeyRoundTrip() {
        Identity restored = Identity.fromSecretKey(alice.secretKey());
        assertEquals(alice.publicKeyHex(), restored.publicKeyHex());
        assertEquals(TestVectors.HELLO_SIG, restored.signHex(Canonical.hello(TestVectors.MESH, alice.publicKeyHex(), TestVectors.NONCE_ZERO)));
    }

    @Test
    void hexValidation() {
        assertThrows(IllegalArgumentException.class, () -> PublicKey.fromHex("abcd"));
        assertThrows(IllegalArgumentException.class, () -> PublicKey.fromHex("zz".repeat(32)));
        assertTrue(Hex.isHexPrefix("79b5562e"));
        assertFalse(Hex.isHexPrefix("79B5"));
    }
}
