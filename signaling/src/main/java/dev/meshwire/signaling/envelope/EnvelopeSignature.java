package dev.meshwire.signaling.envelope;

import dev.meshwire.signaling.Canonical;
import dev.meshwire.signaling.JsonMembers;
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

    /**
     * The signed string of {@code e}.
     *
     * @throws IllegalArgumentException naming the part an incomplete envelope lacks ({@link #missing})
     */
    public static String canonical(Envelope e) {
        String missing = missing(e);
        if (missing != null) throw new IllegalArgumentException("envelope has no '" + missing + "' to sign");
        return PREFIX
                + e.channel().wireName() + '|'
                + e.target() + '|'
                + e.from() + '|'
                + e.body().nonce() + '|'
                + Canonical.sha256Hex(e.body().ciphertext()) + '|'
                + e.body().bodyVersion() + '|'
                + canonicalMeta(e.meta());
    }

    /**
     * canonical(meta) (docs/protocol.md §3) written straight from the record: the same text as
     * {@code CanonicalJson.write(Json.MAPPER.valueToTree(meta))} (EnvelopeSignatureTest compares them), without the tree,
     * which every accepted {@code send} paid for on the coordinator's event loop. Members in RFC 8785 order (keys
     * sorted by UTF-16 code units), absent ones omitted.
     */
    static String canonicalMeta(Meta m) {
        StringBuilder b = new StringBuilder(128).append('{');
        boolean more = string(b, false, "clientMessageId", m.clientMessageId());
        more = JsonMembers.number(b, more, "createdAt", m.createdAt());
        more = JsonMembers.number(b, more, "expiresAt", m.expiresAt());
        if (m.mentions() != null) {
            more = JsonMembers.name(b, more, "mentions");
            b.append('[');
            for (int i = 0; i < m.mentions().size(); i++) {
                if (i > 0) b.append(',');
                String mention = m.mentions().get(i);
                if (mention == null) b.append("null");
                else CanonicalJson.writeString(mention, b);
            }
            b.append(']');
        }
        more = string(b, more, "priority", m.priority() == null ? null : m.priority().wireName());
        more = string(b, more, "replyToId", m.replyToId());
        more = string(b, more, "requestFingerprint", m.requestFingerprint());
        more = string(b, more, "rpcCorrelationId", m.rpcCorrelationId());
        more = JsonMembers.bool(b, more, "rpcResponse", m.rpcResponse());
        more = JsonMembers.number(b, more, "streamChunkId", m.streamChunkId());
        more = string(b, more, "streamId", m.streamId());
        more = JsonMembers.bool(b, more, "streamTerminator", m.streamTerminator());
        more = string(b, more, "subpeer", m.subpeer());
        JsonMembers.number(b, more, "timeoutMs", m.timeoutMs());
        return b.append('}').toString();
    }

    /** A string member in canonical (RFC 8785) quoting. */
    private static boolean string(StringBuilder b, boolean more, String name, String value) {
        return JsonMembers.string(b, more, name, value, CanonicalJson::writeString);
    }

    /** Returns the envelope with {@code signature} set by {@code signer}, which must be {@code from}. */
    public static Envelope sign(Envelope unsigned, Identity signer) {
        if (!signer.publicKeyHex().equals(unsigned.from())) {
            throw new IllegalArgumentException("envelope 'from' must be the signer's public key");
        }
        return unsigned.withSignature(signer.signHex(canonical(unsigned)));
    }

    /**
     * True only for a complete envelope whose signature verifies under {@code from}. Never throws: an
     * envelope off the wire that lacks a part simply does not verify.
     */
    public static boolean verify(Envelope e) {
        return e != null && e.signature() != null && missing(e) == null && Signatures.verify(e.from(), canonical(e), e.signature());
    }

    /**
     * The first part the signed form needs that {@code e} lacks ({@code channel}, {@code target},
     * {@code from}, {@code body}, {@code body.nonce}, {@code body.ciphertext}, {@code meta}), or null.
     */
    public static String missing(Envelope e) {
        if (e.channel() == null) return "channel";
        if (e.target() == null) return "target";
        if (e.from() == null) return "from";
        if (e.body() == null) return "body";
        if (e.body().nonce() == null) return "body.nonce";
        if (e.body().ciphertext() == null) return "body.ciphertext";
        if (e.meta() == null) return "meta";
        return null;
    }
}
