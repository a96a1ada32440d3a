package dev.meshwire.signaling.crypto;

import com.goterl.lazysodium.interfaces.Box;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code crypto_box} between one local identity and any number of peers, with the X25519 shared key
 * precomputed once per peer ({@code crypto_box_beforenm}). A plain {@code crypto_box} does a key
 * agreement per message and is about 20x slower (see the spike notes).
 *
 * <p>Thread-safe. The cache holds one 32-byte key per peer ever talked to; meshes are small enough
 * that it is not bounded.
 */
public final class BoxCipher {
    public static final int NONCE_BYTES = Box.NONCEBYTES;
    public static final int MAC_BYTES = Box.MACBYTES;

    private final byte[] localCurveSecret;
    private final Map<PublicKey, byte[]> sharedKeys = new ConcurrentHashMap<>();

    public BoxCipher(Identity local) {
        this.localCurveSecret = local.curve25519SecretKey();
    }

    public SealedBody seal(PublicKey recipient, byte[] plaintext) {
        return seal(recipient, plaintext, Sodium.randomBytes(NONCE_BYTES));
    }

    /** With a caller-chosen nonce: only for test vectors. Reusing a nonce with the same key breaks crypto_box. */
    SealedBody seal(PublicKey recipient, byte[] plaintext, byte[] nonce) {
        byte[] out = new byte[plaintext.length + MAC_BYTES];
        if (!Sodium.get().cryptoBoxEasyAfterNm(out, plaintext, plaintext.length, nonce, sharedKey(recipient))) {
            throw new IllegalStateException("crypto_box_easy_afternm failed");
        }
        return new SealedBody(nonce, out);
    }

    /**
     * Opens a box from {@code sender}.
     *
     * @throws CryptoException if the nonce is malformed or authentication fails (tampered, wrong key)
     */
    public byte[] open(PublicKey sender, byte[] nonce, byte[] ciphertext) {
        if (nonce.length != NONCE_BYTES) throw new CryptoException("nonce must be " + NONCE_BYTES + " bytes");
        if (ciphertext.length < MAC_BYTES) throw new CryptoException("ciphertext too short");
        byte[] out = new byte[ciphertext.length - MAC_BYTES];
        if (!Sodium.get().cryptoBoxOpenEasyAfterNm(out, ciphertext, ciphertext.length, nonce, sharedKey(sender))) {
            throw new CryptoException("decryption failed: the message was not sealed for this identity or was altered");
        }
        return out;
    }

    private byte[] sharedKey(PublicKey peer) {
        return sharedKeys.computeIfAbsent(peer, p -> {
            byte[] k = new byte[32];
            if (!Sodium.get().cryptoBoxBeforeNm(k, p.toCurve25519(), localCurveSecret)) {
                throw new CryptoException("crypto_box_beforenm failed for peer " + p.hex());
            }
            return k;
        });
    }
}
