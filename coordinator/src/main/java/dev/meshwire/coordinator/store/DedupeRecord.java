package dev.meshwire.coordinator.store;

import dev.meshwire.signaling.crypto.Hex;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The narrow record an acknowledged message leaves behind in {@code message_dedupe} (docs/storage.md "Delivered
 * messages"): only what a retried {@code send} must still be answered with — the original {@code messageId} and
 * enough of the fingerprint to tell the identical envelope from a different one — as raw bytes, under a 16-byte
 * hash of the dedupe key. The ciphertext, the keys and every delivery column go with the queue row.
 *
 * <p>Encodings: the key is the first 16 bytes of SHA-256 over the four key fields, each length-prefixed (so no
 * choice of {@code clientMessageId} can make two different keys hash the same input). A {@code msg_<24 hex>} id is
 * stored as its 12 bytes; a 64-hex fingerprint as its first 16 bytes. Anything else (ids and fingerprints written by
 * tests or other tools) is stored verbatim as UTF-8 followed by at least one 0x00 and padded past the standard
 * length, so the length alone tells the two forms apart. This is the record SQLite keeps; PostgreSQL keeps the same
 * facts in integer columns since migration 8 ({@link PgDedupeRecord}), under the same {@link #key} hash.
 */
public final class DedupeRecord {
    /** Bytes of the hashed dedupe key; collision argument in docs/storage.md. */
    public static final int KEY_BYTES = 16;
    /** Bytes of the fingerprint kept; it is compared with the prefix of a new send's fingerprint. */
    public static final int FINGERPRINT_BYTES = 16;
    /**
     * The pruning sweep visits one of this many slices of the (uniformly hashed) key space per pass, so no index on
     * the delivery time is needed: a record lives between the retention and the retention + this many sweep intervals.
     */
    public static final int PRUNE_SLICES = 16;

    private DedupeRecord() {}

    public static byte[] key(String meshId, String sender, String recipient, String clientMessageId) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String f : new String[] {meshId, sender, recipient, clientMessageId}) {
                byte[] b = f.getBytes(StandardCharsets.UTF_8);
                sha.update(ByteBuffer.allocate(4).putInt(b.length).array());
                sha.update(b);
            }
            byte[] out = new byte[KEY_BYTES];
            System.arraycopy(sha.digest(), 0, out, 0, KEY_BYTES);
            return out;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code msg_} + 24 lowercase hex → its 12 bytes; anything else verbatim. */
    public static byte[] messageId(String id) {
        if (id.length() == 28 && id.startsWith("msg_") && Hex.isHex(id.substring(4), 24) && id.equals(id.toLowerCase(java.util.Locale.ROOT))) {
            return Hex.decode(id.substring(4), 12, "message id");
        }
        return raw(id, 12);
    }

    public static String messageId(byte[] stored) {
        return stored.length == 12 ? "msg_" + Hex.encode(stored) : text(stored);
    }

    /** A 64-hex fingerprint → its first 16 bytes; anything else verbatim. */
    public static byte[] fingerprint(String fp) {
        if (Hex.isHex(fp, 64) && fp.equals(fp.toLowerCase(java.util.Locale.ROOT))) {
            return Hex.decode(fp.substring(0, 2 * FINGERPRINT_BYTES), FINGERPRINT_BYTES, "fingerprint");
        }
        return raw(fp, FINGERPRINT_BYTES);
    }

    /** What a stored record answers: the original id, and the fingerprint (its 32-hex prefix when truncated). */
    public static Queued.Existing existing(byte[] messageId, byte[] fingerprint) {
        boolean verbatim = fingerprint.length != FINGERPRINT_BYTES;
        return new Queued.Existing(messageId(messageId), verbatim ? text(fingerprint) : Hex.encode(fingerprint), !verbatim);
    }

    /** Lower bound (inclusive) of prune slice {@code i}; {@link #sliceEnd} is exclusive, null for the last slice. */
    public static byte[] sliceStart(int i) {
        return new byte[] {(byte) (i * (256 / PRUNE_SLICES))};
    }

    public static byte[] sliceEnd(int i) {
        return i == PRUNE_SLICES - 1 ? null : sliceStart(i + 1);
    }

    /** UTF-8, then zeros: at least one, and longer than {@code standard} bytes. */
    private static byte[] raw(String s, int standard) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return java.util.Arrays.copyOf(b, Math.max(b.length + 1, standard + 1));
    }

    private static String text(byte[] stored) {
        int end = 0;
        while (end < stored.length && stored[end] != 0) end++;
        return new String(stored, 0, end, StandardCharsets.UTF_8);
    }
}
