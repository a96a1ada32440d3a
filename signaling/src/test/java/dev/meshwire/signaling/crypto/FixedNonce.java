package dev.meshwire.signaling.crypto;

/** Sealing with a caller-chosen nonce, for test inputs that must be the same in every run (fuzz seeds). */
public final class FixedNonce {
    private FixedNonce() {}

    public static SealedBody seal(BoxCipher cipher, PublicKey recipient, byte[] plaintext, byte[] nonce) {
        return cipher.seal(recipient, plaintext, nonce);
    }
}
