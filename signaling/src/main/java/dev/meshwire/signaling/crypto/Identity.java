package dev.meshwire.signaling.crypto;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An Ed25519 key pair: a member's identity in one mesh. It signs hellos, invites and envelopes, and
 * its X25519 conversion is the {@code crypto_box} key for direct messages.
 *
 * <p>The secret key is 64 bytes in libsodium's layout (seed followed by public key). Callers keep it
 * on disk only in files of mode 0600.
 */
public final class Identity {
    private final PublicKey publicKey;
    private final byte[] secretKey;

    private Identity(byte[] publicKey, byte[] secretKey) {
        this.publicKey = PublicKey.of(publicKey);
        this.secretKey = secretKey.clone();
    }

    public static Identity generate() {
        byte[] pk = new byte[32];
        byte[] sk = new byte[64];
        if (!Sodium.get().cryptoSignKeypair(pk, sk)) throw new IllegalStateException("crypto_sign_keypair failed");
        return new Identity(pk, sk);
    }

    /** Deterministic key pair from a 32-byte seed (used for test vectors and restores). */
    public static Identity fromSeed(byte[] seed) {
        if (seed.length != 32) throw new IllegalArgumentException("seed must be 32 bytes");
        byte[] pk = new byte[32];
        byte[] sk = new byte[64];
        if (!Sodium.get().cryptoSignSeedKeypair(pk, sk, seed)) throw new IllegalStateException("crypto_sign_seed_keypair failed");
        return new Identity(pk, sk);
    }

    /** Restores an identity from its 64-byte secret key; the public key is its last 32 bytes. */
    public static Identity fromSecretKey(byte[] secretKey) {
        if (secretKey.length != 64) throw new IllegalArgumentException("secret key must be 64 bytes");
        return new Identity(Arrays.copyOfRange(secretKey, 32, 64), secretKey);
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    public String publicKeyHex() {
        return publicKey.hex();
    }

    public byte[] secretKey() {
        return secretKey.clone();
    }

    public byte[] sign(byte[] message) {
        byte[] sig = new byte[Signatures.BYTES];
        if (!Sodium.get().cryptoSignDetached(sig, message, message.length, secretKey)) {
            throw new IllegalStateException("crypto_sign_detached failed");
        }
        return sig;
    }

    /** Signs the UTF-8 bytes of a canonical string and returns the signature as hex. */
    public String signHex(String canonical) {
        return Hex.encode(sign(canonical.getBytes(StandardCharsets.UTF_8)));
    }

    byte[] curve25519SecretKey() {
        byte[] curve = new byte[32];
        if (!Sodium.get().convertSecretKeyEd25519ToCurve25519(curve, secretKey)) {
            throw new IllegalStateException("secret key conversion failed");
        }
        return curve;
    }
}
