package dev.meshwire.signaling.envelope;

import dev.meshwire.signaling.Canonical;
import dev.meshwire.signaling.Json;
import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.crypto.Signatures;

/**
 * The bytes an envelope signature covers. Signing re-serialized JSON is fragile across languages, so
 * the signed form is a '|'-separated UTF-8 string whose only JSON part (the meta, last) is in
 * RFC 8785 canonical form:
 *
 * <pre>meshwire-envelope|v2|channel|target|from|body.nonce|sha256hex(body.ciphertext)|body.bodyVersion|canonical(meta)</pre>
 *
 * <p>The ciphertext enters as the SHA-256 (lowercase hex) of its base64 text rather than the text
 * itself: Ed25519 hashes its input twice when signing (and once more when verifying) with SHA-512,
 * which for a 64 KiB message cost more CPU than everything else on the direct path together; one
 * SHA-256 pass (hardware-accelerated on current CPUs) binds the ciphertext just as firmly.
 */
public final class EnvelopeSignature {
    public static final String PREFIX = "meshwire-envelope|v2|";

    private EnvelopeSignature() {}

    public static String canonical(Envelope e) {
        return PREFIX
                + e.channel().wireName() + '|'
                + e.target() + '|'
                + e.from() + '|'
                + e.body().nonce() + '|'
                + Canonical.sha256Hex(java.util.Objects.toString(e.body().ciphertext(), "")) + '|'
                + e.body().bodyVersion() + '|'
                + CanonicalJson.write(Json.MAPPER.valueToTree(e.meta()));
    }

    /** Returns the envelope with {@code signature} set by {@code signer}, which must be {@code from}. */
    public static Envelope sign(Envelope unsigned, Identity signer) {
        if (!signer.publicKeyHex().equals(unsigned.from())) {
            throw new IllegalArgumentException("envelope 'from' must be the signer's public key");
        }
        return unsigned.withSignature(signer.signHex(canonical(unsigned)));
    }

    public static boolean verify(Envelope e) {
        return e.signature() != null && Signatures.verify(e.from(), canonical(e), e.signature());
    }
}
