package dev.meshwire.coordinator.store;

import dev.meshwire.signaling.crypto.Hex;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The PostgreSQL form of an acknowledged message's dedupe record (migrations 8 and 9; docs/storage.md "Delivered
 * messages"): the same facts as {@link DedupeRecord} — key hash, original id, fingerprint, delivery time — in
 * fixed-width integer columns. Since migration 9 a row of {@code message_dedupe} holds up to three records of one ack
 * statement ({@link #SLOTS}, slots {@code a}, {@code b}, {@code c}), which share the delivery second and one tuple
 * header: a full row is a 136-byte tuple (24-byte header, 112 bytes of data, no padding), 46.7 heap bytes per record
 * against 68.3 for migration 8's one record per row. Each slot's key has its own b-tree (partial for {@code b} and
 * {@code c}), so a lookup stays an index probe per slot; the prune deletes whole rows.
 *
 * <pre>
 * message_dedupe (a row of 1–3 records; slot x in a, b, c; b and c NULL when unused)
 * delivered     INTEGER  epoch seconds − 2^31 (an unsigned 32-bit time read as signed: 1970–2106), of every slot
 * id_tail_x     INTEGER  message id bytes 8..11   } msg_&lt;24 hex&gt;
 * id_head_x     BIGINT   message id bytes 0..7    }
 * fingerprint_x BIGINT   the fingerprint's first 8 bytes
 * key_head_x    BIGINT   key hash bytes 0..7 (indexed: message_dedupe_key_x)
 * key_tail_x    BIGINT   key hash bytes 8..15
 *
 * message_dedupe_other (one record per row: an id or fingerprint in another format, i.e. tests and tools)
 * the columns of migration 8: delivered, id_tail, id_head, fingerprint, key_head (indexed), key_tail, and
 * other_id / other_fp TEXT: NULL, or the id / fingerprint verbatim (then id_* / fingerprint are 0)
 * </pre>
 *
 * <p>Byte groups are big-endian two's complement, as {@code ('x' || hex)::bit(64)::bigint} reads them in SQL, so the
 * ack (which encodes in SQL, {@link #ACK_SQL}) and the lookup (which encodes in Java) agree.
 *
 * <p>The indexes are not unique: two records share a key only if their 128-bit hashes collide (a key cannot be
 * accepted again while its record exists), and the lookup then takes the newest. Keeping 8 bytes of the fingerprint
 * instead of 16: a different envelope is answered as a duplicate only if its fingerprint matches in 64 bits; only the
 * sender can sign envelopes under its key, and such a match makes its own retry go undelivered (collision argument in
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

    /** The slots of a {@code message_dedupe} row, in fill order: a row's first record goes to {@code a}. */
    public static final List<String> SLOTS = List.of("a", "b", "c");

    /**
     * The record parts of a lookup: for each slot of {@code message_dedupe} and for {@code message_dedupe_other}, a
     * {@code SELECT} of {@code prefix} then the record's columns in {@link #existing} order plus {@code delivered},
     * from the rows whose key matches ({@code keyHead}, {@code keyTail}: SQL expressions) — one index probe each.
     * {@code join} is a {@code JOIN ... AS k} clause providing the keys, or empty for constants.
     */
    static List<String> lookups(String prefix, String join, String keyHead, String keyTail) {
        List<String> out = new java.util.ArrayList<>();
        for (String x : SLOTS) {
            out.add("SELECT " + prefix + "d.id_head_" + x + ", d.id_tail_" + x + ", d.fingerprint_" + x + ", NULL::text, NULL::text, d.delivered "
                    + "FROM message_dedupe d " + (join.isEmpty() ? "WHERE " : join + " ON ") + "d.key_head_" + x + " = " + keyHead
                    + " AND d.key_tail_" + x + " = " + keyTail);
        }
        out.add("SELECT " + prefix + "d.id_head, d.id_tail, d.fingerprint, d.other_id, d.other_fp, d.delivered FROM message_dedupe_other d "
                + (join.isEmpty() ? "WHERE " : join + " ON ") + "d.key_head = " + keyHead + " AND d.key_tail = " + keyTail);
        return out;
    }

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

    /** One slot's columns of a {@code message_dedupe} row, from the ack's numbered records {@code s}. */
    private static String slot(String x, int i) {
        String in = " FILTER (WHERE n % 3 = " + i + ")";
        return "max(it)" + in + " AS id_tail_" + x + ", max(ih)" + in + " AS id_head_" + x + ", max(fp)" + in + " AS fingerprint_" + x
                + ", max(kh)" + in + " AS key_head_" + x + ", max(kt)" + in + " AS key_tail_" + x;
    }

    /** {@code message_dedupe}'s columns in table order. */
    static final String ROW_COLUMNS = "delivered, id_tail_a, id_tail_b, id_tail_c, "
            + String.join(", ", SLOTS.stream().map(x -> "id_head_" + x + ", fingerprint_" + x + ", key_head_" + x + ", key_tail_" + x).toList());

    /**
     * The ack: each row out of the queue into its record, in one statement (the DELETE and the INSERTs of a
     * data-modifying CTE commit together; one round trip), answering the number of records. $1 = {@link #seconds} of
     * the ack, $2..$4 = ids, meshes, recipients. Records with a {@code msg_<24 hex>} id and a 64-hex fingerprint go
     * three to a {@code message_dedupe} row (numbered in any order: every slot of a row has the same time); the rest
     * to {@code message_dedupe_other}. Only {@code message_id = a.mid} is written as an indexable condition; the
     * other checks sit in a CASE on purpose: as plain conditions they let the planner use the partial indexes, and
     * the cached generic plan looked every id up through {@code message_queue_pending (mesh_id, recipient)}, i.e.
     * scanned all the recipient's pending rows per ack (quadratic). A row already delivered, or addressed to someone
     * else, is not deleted (also when re-checked after a concurrent change). The key hash is {@link DedupeRecord#key}
     * computed with {@code sha256()}; the contract tests check that a record written here is found under the
     * Java-side hash.
     */
    static final String ACK_SQL =
            "WITH moved AS (DELETE FROM message_queue q "
                    + "USING unnest($2::text[], $3::text[], $4::text[]) AS a(mid, g, r) "
                    + "WHERE q.message_id = a.mid AND CASE WHEN q.delivered_at IS NULL THEN q.mesh_id = a.g AND q.recipient = a.r ELSE false END "
                    + "RETURNING q.mesh_id, q.sender, q.recipient, q.client_message_id, q.message_id, q.fingerprint), "
                    + "h AS (SELECT encode(sha256(" + field("mesh_id") + " || " + field("sender") + " || " + field("recipient") + " || "
                    + field("client_message_id") + "), 'hex') AS k, message_id AS m, fingerprint AS f, "
                    + "message_id ~ '^msg_[0-9a-f]{24}$' AS std_id, fingerprint ~ '^[0-9a-f]{64}$' AS std_fp FROM moved), "
                    + "other AS (INSERT INTO message_dedupe_other(delivered, id_tail, id_head, fingerprint, key_head, key_tail, other_id, other_fp) "
                    + "SELECT $1::integer, "
                    + "CASE WHEN std_id THEN " + bits("m", 21, 8) + " ELSE 0 END, "
                    + "CASE WHEN std_id THEN " + bits("m", 5, 16) + " ELSE 0 END, "
                    + "CASE WHEN std_fp THEN " + bits("f", 1, 16) + " ELSE 0 END, "
                    + bits("k", 1, 16) + ", " + bits("k", 17, 16) + ", "
                    + "CASE WHEN std_id THEN NULL ELSE m END, CASE WHEN std_fp THEN NULL ELSE f END FROM h WHERE NOT (std_id AND std_fp)), "
                    + "s AS (SELECT " + bits("m", 21, 8) + " AS it, " + bits("m", 5, 16) + " AS ih, " + bits("f", 1, 16) + " AS fp, "
                    + bits("k", 1, 16) + " AS kh, " + bits("k", 17, 16) + " AS kt, row_number() OVER () - 1 AS n FROM h WHERE std_id AND std_fp), "
                    + "slots AS (INSERT INTO message_dedupe(" + ROW_COLUMNS + ") SELECT $1::integer, id_tail_a, id_tail_b, id_tail_c, "
                    + String.join(", ", SLOTS.stream().map(x -> "id_head_" + x + ", fingerprint_" + x + ", key_head_" + x + ", key_tail_" + x).toList())
                    + " FROM (SELECT " + slot("a", 0) + ", " + slot("b", 1) + ", " + slot("c", 2) + " FROM s GROUP BY n / 3) t) "
                    + "SELECT count(*) FROM h";

    /**
     * Deletes the rows of {@code table} delivered before second $1 ({@link #seconds}) whose {@code key} lies in range
     * [$2, $3), answering the number of records they held (a {@code message_dedupe} row holds one per used slot).
     */
    static String pruneSql(String table, boolean lastSlice) {
        boolean slots = table.equals("message_dedupe");
        return "WITH gone AS (DELETE FROM " + table + " WHERE delivered < $1 AND " + (slots ? "key_head_a" : "key_head") + " >= $2"
                + (lastSlice ? "" : " AND " + (slots ? "key_head_a" : "key_head") + " < $3")
                + " RETURNING " + (slots ? "1 + (key_head_b IS NOT NULL)::int + (key_head_c IS NOT NULL)::int" : "1") + " AS n) "
                + "SELECT COALESCE(sum(n), 0)::integer FROM gone";
    }
}
