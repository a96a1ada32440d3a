package dev.meshwire.signaling.crypto;

import java.nio.charset.StandardCharsets;

/** Verification of hex-encoded Ed25519 signatures over canonical strings. */
public final class Signatures {
    public static final int BYTES = 64;
    public static final int HEX_CHARS = 128;

    private Signatures() {}

    /**
     * Returns true only if {@code signatureHex} is a valid signature by {@code signerHex} over the
     * UTF-8 bytes of {@code canonical}. Malformed keys or signatures are simply invalid.
     */
    public static boolean verify(String signerHex, String canonical, String signatureHex) {
        if (!Hex.isHex(signerHex, PublicKey.HEX_CHARS) || !Hex.isHex(signatureHex, HEX_CHARS)) {
            return false;
        }
        PublicKey key = PublicKey.fromHex(signerHex);
        return key.verify(canonical.getBytes(StandardCharsets.UTF_8), Hex.decode(signatureHex, BYTES, "signature"));
    }
}
