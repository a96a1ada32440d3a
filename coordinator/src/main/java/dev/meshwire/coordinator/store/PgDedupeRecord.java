package dev.meshwire.coordinator.store;

import dev.meshwire.signaling.crypto.Hex;
import java.nio.ByteBuffer;

/**
 * The PostgreSQL form of an acknowledged message's dedupe record (migration 8; docs/storage.md "Delivered messages"):
 * the same facts as {@link DedupeRecord} — key hash, original id, fingerprint, delivery time — in fixed-width integer
 * columns, so that a row is a 64-byte heap tuple (24-byte header + 40 bytes of data, no padding) and its only index is
 * a b-tree over one {@code BIGINT}. {@code bytea} columns and a {@code bytea} primary key cost 137.5 bytes per record;
 * this form costs 99 (docs/benchmarks.md "Coordinator disk per relayed message").
 *
 * <pre>
 * delivered   INTEGER  epoch seconds − 2^31 (an unsigned 32-bit time read as signed: 1970–2106)
 * id_tail     INTEGER  message id bytes 8..11   } msg_&lt;24 hex&gt;; 0 when other_id holds the id
 * id_head     BIGINT   message id bytes 0..7    }
 * fingerprint BIGINT   the fingerprint's first 8 bytes; 0 when other_fp holds it
 * key_head    BIGINT   key hash bytes 0..7 (indexed: message_dedupe_key)
 * key_tail    BIGINT   key hash bytes 8..15
 * other_id    TEXT     NULL, or an id in another format (tests, tools), verbatim
 * other_fp    TEXT     NULL, or a fingerprint in another format, verbatim
 * </pre>
 *
 * <p>Byte groups are big-endian two's complement, as {@code ('x' || hex)::bit(64)::bigint} reads them in SQL, so the
 * ack (which encodes in SQL, {@link #ACK_SQL}) and the lookup (which encodes in Java) agree. The two nullable columns
 * cost nothing when NULL: eight columns need a one-byte null bitmap, which fits in the header's alignment padding.
 *
 * <p>The index is not unique: two records share a key only if their 128-bit hashes collide (a key cannot be accepted
 * again while its record exists), and the lookup then takes the newest. Keeping 8 bytes of the fingerprint instead of
 * 16: a different envelope is answered as a duplicate only if its fingerprint matches in 64 bits; only the sender can
 * sign envelopes under its key, and such a match makes its own retry go undelivered (collision argument in
 * docs/storage.md).
 */
public final class PgDedupeRecord {
    /** Bytes of the fingerprint kept; a retry is the identical envelope when its fingerprint starts with them. */
    public static final int FINGERPRINT_BYTES = 8;

    private PgDedupeRecord() {}

    /** The indexed half of {@link DedupeRecord#key}. */
    public static long keyHead(byte[] key) {
        return ByteBuffer.wrap(key).getLong(0);
    }

    public static long keyTail(byte[] key) {
        return ByteBuffer.wrap(key).getLong(8);
    }

    /** The {@code delivered} column for a time in epoch milliseconds: whole seconds, shifted into the signed range. */
    public static int seconds(long epochMs) {
        return (int) (Math.floorDiv(epochMs, 1000L) + Integer.MIN_VALUE);
    }

    /** A {@code msg_<24 hex>} id's head column, or null for an id kept in {@code other_id}. */
    public static Long idHead(String messageId) {
        return standardId(messageId) ? ByteBuffer.wrap(Hex.decode(messageId.substring(4), 12, "message id")).getLong(0) : null;
    }

    private static boolean standardId(String id) {
        return id.length() == 28 && id.startsWith("msg_") && Hex.isHex(id.substring(4), 24) && id.equals(id.toLowerCase(java.util.Locale.ROOT));
    }

    /** What a record answers: the original id, and the fingerprint (its 16-hex prefix unless kept verbatim). */
    public static Queued.Existing existing(long idHead, int idTail, long fingerprint, String otherId, String otherFp) {
        String id = otherId != null ? otherId : "msg_" + Hex.encode(ByteBuffer.allocate(12).putLong(idHead).putInt(idTail).array());
        return otherFp != null ? new Queued.Existing(id, otherFp, false)
                : new Queued.Existing(id, Hex.encode(ByteBuffer.allocate(FINGERPRINT_BYTES).putLong(fingerprint).array()), true);
    }

    /**
     * Lower bound (inclusive) of prune slice {@code i} of the {@code key_head} range; {@link #sliceHigh} is the
     * exclusive upper bound, null for the last slice. Key hashes are uniform, so each slice holds 1/{@link
     * DedupeRecord#PRUNE_SLICES} of the records.
     */
    public static long sliceLow(int i) {
        return Long.MIN_VALUE + i * SLICE;
    }

    /** 2^64 / {@link DedupeRecord#PRUNE_SLICES}: the width of one slice of the signed {@code key_head} range. */
    private static final long SLICE = Long.divideUnsigned(Long.MIN_VALUE, DedupeRecord.PRUNE_SLICES) * 2;

    public static Long sliceHigh(int i) {
        return i == DedupeRecord.PRUNE_SLICES - 1 ? null : sliceLow(i + 1);
    }

    /** The record's columns after a lookup's key columns, in {@link #existing} order, plus {@code delivered}. */
    static final String COLUMNS = "d.id_head, d.id_tail, d.fingerprint, d.other_id, d.other_fp, d.delivered";
    /** The same columns as NULLs, for the queue side of a lookup's {@code UNION ALL}. */
    static final String NO_COLUMNS = "NULL::bigint, NULL::integer, NULL::bigint, NULL::text, NULL::text, NULL::integer AS delivered";

    /** Big-endian hex digits {@code from..from+chars-1} of {@code hex} as a signed integer of {@code chars * 4} bits. */
    private static String bits(String hex, int from, int chars) {
        return "('x' || substr(" + hex + ", " + from + ", " + chars + "))::bit(" + chars * 4 + ")::" + (chars == 16 ? "bigint" : "integer");
    }

    /** {@link DedupeRecord#key}'s input in SQL: each field as a big-endian int4 length ({@code int4send}) and UTF-8. */
    private static String field(String col) {
        return "int4send(octet_length(convert_to(" + col + ", 'UTF8'))) || convert_to(" + col + ", 'UTF8')";
    }

    /**
     * The ack: each row out of the queue into its record, in one statement (the DELETE and the INSERT of a
     * data-modifying CTE commit together; one round trip). $1 = {@link #seconds} of the ack, $2..$4 = ids, meshes,
     * recipients. Only {@code message_id = a.mid} is written as an indexable condition; the other checks sit in a CASE
     * on purpose: as plain conditions they let the planner use the partial indexes, and the cached generic plan
     * looked every id up through {@code message_queue_pending (mesh_id, recipient)}, i.e. scanned all the
     * recipient's pending rows per ack (quadratic). A row already delivered, or addressed to someone else, is not
     * deleted (also when re-checked after a concurrent change). The key hash is {@link DedupeRecord#key} computed
     * with {@code sha256()}; the contract tests check that a record written here is found under the Java-side hash.
     */
    static final String ACK_SQL =
            "WITH moved AS (DELETE FROM message_queue q "
                    + "USING unnest($2::text[], $3::text[], $4::text[]) AS a(mid, g, r) "
                    + "WHERE q.message_id = a.mid AND CASE WHEN q.delivered_at IS NULL THEN q.mesh_id = a.g AND q.recipient = a.r ELSE false END "
                    + "RETURNING q.mesh_id, q.sender, q.recipient, q.client_message_id, q.message_id, q.fingerprint), "
                    + "h AS (SELECT encode(sha256(" + field("mesh_id") + " || " + field("sender") + " || " + field("recipient") + " || "
                    + field("client_message_id") + "), 'hex') AS k, message_id AS m, fingerprint AS f, "
                    + "message_id ~ '^msg_[0-9a-f]{24}$' AS std_id, fingerprint ~ '^[0-9a-f]{64}$' AS std_fp FROM moved) "
                    + "INSERT INTO message_dedupe(delivered, id_tail, id_head, fingerprint, key_head, key_tail, other_id, other_fp) "
                    + "SELECT $1::integer, "
                    + "CASE WHEN std_id THEN " + bits("m", 21, 8) + " ELSE 0 END, "
                    + "CASE WHEN std_id THEN " + bits("m", 5, 16) + " ELSE 0 END, "
                    + "CASE WHEN std_fp THEN " + bits("f", 1, 16) + " ELSE 0 END, "
                    + bits("k", 1, 16) + ", " + bits("k", 17, 16) + ", "
                    + "CASE WHEN std_id THEN NULL ELSE m END, CASE WHEN std_fp THEN NULL ELSE f END FROM h";

    /** Deletes the records delivered before second $1 ({@link #seconds}) in {@code key_head} range [$2, $3). */
    static String pruneSql(boolean lastSlice) {
        return "DELETE FROM message_dedupe WHERE delivered < $1 AND key_head >= $2" + (lastSlice ? "" : " AND key_head < $3");
    }
}
