package dev.meshwire.peer.outbox;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.signaling.crypto.Hex;
import dev.meshwire.signaling.envelope.CanonicalJson;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The request fingerprint of docs/delivery.md §2: lowercase hex SHA-256 over
 *
 * <pre>
 * envelope_version 0x00 destination_kind 0x00 destination_ref 0x00 reply_to_id_or_empty 0x00
 * priority 0x00 canonical_json(meta)_or_empty 0x00 hex(sha256(plaintext body))
 * </pre>
 *
 * every field UTF-8. It is computed once over what the caller asked for (never over ciphertext,
 * which has a random nonce) and frozen in the outbox row.
 */
public final class Fingerprint {
    /** Bumped when the envelope shape changes; fingerprints of old rows are never recomputed. */
    public static final String ENVELOPE_VERSION = "2";

    private Fingerprint() {}

    /**
     * @param destinationKind {@code dm} or {@code group}
     * @param destinationRef  recipient pubkey hex (dm) or {@code *} (group)
     * @param replyToId       null or empty for none
     * @param priority        now | next | low
     * @param meta            the caller's meta object as given, or null; {@code {}} counts as empty
     * @param body            plaintext bytes
     */
    public static String compute(String destinationKind, String destinationRef, String replyToId, String priority,
                                 JsonNode meta, byte[] body) {
        return Hex.encode(sha256(preimage(destinationKind, destinationRef, replyToId, priority, meta, body)));
    }

    /** The exact bytes hashed (exposed for the documented test vector). */
    public static byte[] preimage(String destinationKind, String destinationRef, String replyToId, String priority,
                                  JsonNode meta, byte[] body) {
        String metaText = meta == null || meta.isNull() || (meta.isObject() && meta.isEmpty()) ? "" : CanonicalJson.write(meta);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        field(out, ENVELOPE_VERSION);
        field(out, destinationKind);
        field(out, destinationRef);
        field(out, replyToId == null ? "" : replyToId);
        field(out, priority);
        field(out, metaText);
        byte[] bodyHash = Hex.encode(sha256(body)).getBytes(StandardCharsets.US_ASCII);
        out.write(bodyHash, 0, bodyHash.length);
        return out.toByteArray();
    }

    private static void field(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
        out.write(0);
    }

    public static byte[] sha256(byte[] in) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(in);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The first 16 hex characters (8 bytes), shown in conflicts. */
    public static String prefix(String fingerprintHex) {
        return fingerprintHex == null ? null : fingerprintHex.substring(0, Math.min(16, fingerprintHex.length()));
    }

    /** Constant-time comparison of two hex fingerprints. */
    public static boolean same(String a, String b) {
        if (a == null || b == null) return false;
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
    }
}
