package dev.meshwire.signaling.crypto;

import java.util.Arrays;

/**
 * Body version 3, sender keys (docs/protocol.md §12.1 "Body v3"): the content is sealed <b>once</b> with a fresh random
 * 32-byte key K ({@code crypto_secretbox}, XSalsa20-Poly1305), and K is sealed to each recipient with {@code crypto_box}.
 * One recipient's body:
 * <pre>
 *   body.nonce      = n1                                  (24 bytes: the crypto_box nonce)
 *   body.ciphertext = box(K) ‖ n2 ‖ secretbox(content)    (48 + 24 + len(content) + 16 bytes)
 *     box(K)        = crypto_box_easy(K, n1, recipient, sender)          (32 + 16 bytes)
 *     n2            = the crypto_secretbox nonce                          (24 bytes)
 *     secretbox     = crypto_secretbox_easy(content, n2, K)
 * </pre>
 * Sealing to N recipients costs one secretbox pass over the content and N boxes of 32 bytes, not N boxes of the content.
 */
public final class SenderKeyBody {
    /** {@code box(K)}: the key plus the Poly1305 tag. */
    public static final int SEALED_KEY_BYTES = SecretBox.KEY_BYTES + BoxCipher.MAC_BYTES;
    /** The shortest valid ciphertext (empty content). */
    public static final int MIN_CIPHERTEXT_BYTES = SEALED_KEY_BYTES + SecretBox.NONCE_BYTES + SecretBox.MAC_BYTES;

    private SenderKeyBody() {}

    /**
     * The content sealed once, under {@code key}: shared by every recipient's body. Holds K (the array itself, so a
     * caller can zero it once every copy is sealed): never stored or logged.
     */
    public record Content(byte[] key, byte[] nonce, byte[] box) {}

    /** Seals {@code plain} under a fresh random key and nonce. */
    public static Content sealContent(byte[] plain) {
        return sealContent(plain, Sodium.randomBytes(SecretBox.KEY_BYTES), Sodium.randomBytes(SecretBox.NONCE_BYTES));
    }

    /** With a caller-chosen key and nonce: only for test vectors. */
    static Content sealContent(byte[] plain, byte[] key, byte[] nonce) {
        return new Content(key.clone(), nonce.clone(), SecretBox.seal(key, nonce, plain));
    }

    /** One recipient's body: K boxed to {@code recipient} under a fresh nonce, then {@code n2 ‖ secretbox}. */
    public static SealedBody forRecipient(BoxCipher cipher, PublicKey recipient, Content content) {
        return forRecipient(cipher, recipient, content, Sodium.randomBytes(BoxCipher.NONCE_BYTES));
    }

    /** With a caller-chosen box nonce: only for test vectors. */
    static SealedBody forRecipient(BoxCipher cipher, PublicKey recipient, Content content, byte[] boxNonce) {
        SealedBody sealedKey = cipher.seal(recipient, content.key(), boxNonce);
        byte[] out = new byte[SEALED_KEY_BYTES + SecretBox.NONCE_BYTES + content.box().length];
        System.arraycopy(sealedKey.ciphertext(), 0, out, 0, SEALED_KEY_BYTES);
        System.arraycopy(content.nonce(), 0, out, SEALED_KEY_BYTES, SecretBox.NONCE_BYTES);
        System.arraycopy(content.box(), 0, out, SEALED_KEY_BYTES + SecretBox.NONCE_BYTES, content.box().length);
        return new SealedBody(boxNonce, out);
    }

    /**
     * The content of a v3 body from {@code sender}, sealed for {@code cipher}'s identity.
     *
     * @throws CryptoException when it is too short, not sealed for this identity, or altered
     */
    public static byte[] open(BoxCipher cipher, PublicKey sender, byte[] nonce, byte[] ciphertext) {
        if (ciphertext.length < MIN_CIPHERTEXT_BYTES) {
            throw new CryptoException("sender-key body too short (" + ciphertext.length + " < " + MIN_CIPHERTEXT_BYTES + " bytes)");
        }
        byte[] key = cipher.open(sender, nonce, Arrays.copyOfRange(ciphertext, 0, SEALED_KEY_BYTES));
        if (key.length != SecretBox.KEY_BYTES) throw new CryptoException("sender-key body: the sealed key is not " + SecretBox.KEY_BYTES + " bytes");
        byte[] n2 = Arrays.copyOfRange(ciphertext, SEALED_KEY_BYTES, SEALED_KEY_BYTES + SecretBox.NONCE_BYTES);
        byte[] box = Arrays.copyOfRange(ciphertext, SEALED_KEY_BYTES + SecretBox.NONCE_BYTES, ciphertext.length);
        try {
            return SecretBox.open(key, n2, box);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }
}
