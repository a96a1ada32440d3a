package dev.meshwire.signaling.crypto;

import com.goterl.lazysodium.interfaces.SecretBox.Native;

/**
 * libsodium's {@code crypto_secretbox_easy} (XSalsa20-Poly1305) under a 32-byte symmetric key. Stateless and
 * thread-safe. A key must never seal two messages under the same nonce: callers use a fresh random key per message
 * (sender keys, docs/protocol.md §12.1) or a fresh random nonce.
 */
public final class SecretBox {
    public static final int KEY_BYTES = com.goterl.lazysodium.interfaces.SecretBox.KEYBYTES;
    public static final int NONCE_BYTES = com.goterl.lazysodium.interfaces.SecretBox.NONCEBYTES;
    public static final int MAC_BYTES = com.goterl.lazysodium.interfaces.SecretBox.MACBYTES;

    private SecretBox() {}

    /** {@code secretbox(plain)}: {@code plain.length + MAC_BYTES} bytes. */
    public static byte[] seal(byte[] key, byte[] nonce, byte[] plain) {
        check(key, nonce);
        byte[] out = new byte[plain.length + MAC_BYTES];
        if (!((Native) Sodium.get()).cryptoSecretBoxEasy(out, plain, plain.length, nonce, key)) {
            throw new IllegalStateException("crypto_secretbox_easy failed");
        }
        return out;
    }

    /** @throws CryptoException when the box is too short, or was altered or sealed under another key or nonce */
    public static byte[] open(byte[] key, byte[] nonce, byte[] box) {
        check(key, nonce);
        if (box.length < MAC_BYTES) throw new CryptoException("secretbox too short");
        byte[] out = new byte[box.length - MAC_BYTES];
        if (!((Native) Sodium.get()).cryptoSecretBoxOpenEasy(out, box, box.length, nonce, key)) {
            throw new CryptoException("decryption failed: the content was altered or sealed under another key");
        }
        return out;
    }

    private static void check(byte[] key, byte[] nonce) {
        if (key.length != KEY_BYTES) throw new CryptoException("secretbox key must be " + KEY_BYTES + " bytes");
        if (nonce.length != NONCE_BYTES) throw new CryptoException("secretbox nonce must be " + NONCE_BYTES + " bytes");
    }
}
