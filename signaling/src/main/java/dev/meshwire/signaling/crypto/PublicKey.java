package dev.meshwire.signaling.crypto;

import java.util.Arrays;

/**
 * An Ed25519 public key: the identity of a member on the wire and in storage (as 64 lowercase hex
 * characters).
 */
public final class PublicKey {
    public static final int BYTES = 32;
    public static final int HEX_CHARS = 64;

    private final byte[] bytes;
    private final String hex;

    private PublicKey(byte[] bytes) {
        this.bytes = bytes.clone();
        this.hex = Hex.encode(bytes);
    }

    public static PublicKey of(byte[] bytes) {
        if (bytes.length != BYTES) throw new IllegalArgumentException("public key must be 32 bytes");
        return new PublicKey(bytes);
    }

    /** @throws IllegalArgumentException if {@code hex} is not 64 hex characters */
    public static PublicKey fromHex(String hex) {
        return new PublicKey(Hex.decode(hex, BYTES, "public key"));
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    public String hex() {
        return hex;
    }

    /** Checks an Ed25519 detached signature made by this key over {@code message}. */
    public boolean verify(byte[] message, byte[] signature) {
        if (signature == null || signature.length != Signatures.BYTES) return false;
        return Sodium.get().cryptoSignVerifyDetached(signature, message, message.length, bytes);
    }

    /** The X25519 key libsodium derives from this Ed25519 key, for {@code crypto_box}. */
    byte[] toCurve25519() {
        byte[] curve = new byte[32];
        if (!Sodium.get().convertPublicKeyEd25519ToCurve25519(curve, bytes)) {
            throw new IllegalArgumentException("public key is not a valid Ed25519 point");
        }
        return curve;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PublicKey other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return hex;
    }
}
