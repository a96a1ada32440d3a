package dev.meshwire.coordinator.store;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The SQLite store's newest dedupe records (docs/storage.md "Recent dedupe records"): an acknowledged message's
 * {@link DedupeRecord} is appended to {@code message_dedupe_recent} (row id order, no other index) instead of being
 * inserted at its hashed key into {@code message_dedupe}, where every record landed on a random page of a large b-tree:
 * one 4 KiB page written to the WAL per message and again at the checkpoint, ~10 KB of the ~17 KB the relay wrote
 * per message. This class knows which row holds each recent key (in memory: the table has no key index) and, once
 * {@code mergeAt} records are recent, moves them into {@code message_dedupe} in key order, {@code sliceSize} per call
 * of {@link #mergeStep}, so that the records sharing a page of the big table are written to it together.
 *
 * <p>Contract: worker thread only, one store per database file ({@link SqliteFileLock}: no other writer adds recent
 * rows). Every method runs inside the caller's transaction; what must only happen once that transaction has committed is
 * returned or registered as a {@link Runnable} for the caller to run then. After a rollback the caller calls
 * {@link #reload}: the map then matches the table again. At open, {@link #mergeAll} moves what a previous process left.
 */
final class RecentDedupe {
    /** Recent records that start a merge. Bounds this map (two generations: ~100 bytes each) and the table. */
    static final int DEFAULT_MERGE_AT = 65_536;
    /** Records moved per {@link #mergeStep}: the extra work of one group while a merge runs (a few ms). */
    static final int DEFAULT_SLICE = 2_048;

    static final String INSERT_SQL =
            "INSERT INTO message_dedupe_recent(key, message_id, fingerprint, delivered_at) VALUES (?,?,?,?) RETURNING seq";
    static final String FIND_SQL = "SELECT message_id, fingerprint FROM message_dedupe_recent WHERE seq = ? AND key = ?";
    static final String MOVE_SQL = "INSERT OR REPLACE INTO message_dedupe(key, message_id, fingerprint, delivered_at) "
            + "SELECT key, message_id, fingerprint, delivered_at FROM message_dedupe_recent WHERE seq = ? AND key = ?";

    private final int mergeAt;
    private final int sliceSize;
    /** Recent key → its row ({@code seq}); a key's newest row wins. */
    private final Map<Key, Long> seqByKey = new HashMap<>();
    /** The generation being merged, sorted by key; null when no merge runs. */
    private Merge merging;

    RecentDedupe(int mergeAt, int sliceSize) {
        if (mergeAt < 1 || sliceSize < 1) throw new IllegalArgumentException("mergeAt and sliceSize must be positive");
        this.mergeAt = mergeAt;
        this.sliceSize = sliceSize;
    }

    /** A 16-byte hashed dedupe key as a map key. */
    private record Key(long hi, long lo) {
        static Key of(byte[] key) {
            if (key.length != DedupeRecord.KEY_BYTES) throw new IllegalArgumentException("dedupe key of " + key.length + " bytes");
            ByteBuffer b = ByteBuffer.wrap(key);
            return new Key(b.getLong(), b.getLong());
        }

        byte[] bytes() {
            return ByteBuffer.allocate(DedupeRecord.KEY_BYTES).putLong(hi).putLong(lo).array();
        }

        /** The order of SQLite's BLOB comparison (memcmp: unsigned bytes). */
        static int compare(Key a, Key b) {
            int c = Long.compareUnsigned(a.hi, b.hi);
            return c != 0 ? c : Long.compareUnsigned(a.lo, b.lo);
        }
    }

    private record Entry(Key key, long seq) {}

    private static final class Merge {
        final Entry[] sorted;
        final long lastSeq;
        int next;

        Merge(Entry[] sorted, long lastSeq) {
            this.sorted = sorted;
            this.lastSeq = lastSeq;
        }
    }

    /** Records the acknowledged message's record; the caller's transaction makes it durable. */
    void add(PreparedStatement insert, byte[] key, byte[] messageId, byte[] fingerprint, long deliveredAt) throws SQLException {
        insert.setBytes(1, key);
        insert.setBytes(2, messageId);
        insert.setBytes(3, fingerprint);
        insert.setLong(4, deliveredAt);
        try (ResultSet rs = insert.executeQuery()) {
            rs.next();
            seqByKey.put(Key.of(key), rs.getLong(1));
        }
    }

    /** The recent record under {@code key}, or empty (then {@code message_dedupe} is the place to look). */
    Optional<Queued.Existing> find(PreparedStatement find, byte[] key) throws SQLException {
        Long seq = seqByKey.get(Key.of(key));
        if (seq == null) return Optional.empty();
        find.setLong(1, seq);
        find.setBytes(2, key);
        try (ResultSet rs = find.executeQuery()) {
            return rs.next() ? Optional.of(DedupeRecord.existing(rs.getBytes(1), rs.getBytes(2))) : Optional.empty();
        }
    }

    /**
     * Moves the next slice of the generation being merged into {@code message_dedupe} — {@code sliceSize} records, or
     * twice the {@code appended} records of this step if more, so that a merge always outpaces the acks — and after the
     * last slice deletes that generation's rows. Returns what to run once the transaction has committed (advance, or end
     * the merge), or null when no merge runs. Starting a merge is {@link #maybeStartMerge}'s, after a commit.
     */
    Runnable mergeStep(Connection conn, PreparedStatement move, int appended) throws SQLException {
        Merge m = merging;
        if (m == null) return null;
        int to = (int) Math.min(m.sorted.length, (long) m.next + Math.max(sliceSize, 2L * appended));
        for (int i = m.next; i < to; i++) {
            move.setLong(1, m.sorted[i].seq());
            move.setBytes(2, m.sorted[i].key().bytes());
            move.addBatch();
        }
        move.executeBatch();
        boolean last = to == m.sorted.length;
        if (last) {
            try (PreparedStatement del = conn.prepareStatement("DELETE FROM message_dedupe_recent WHERE seq <= ?")) {
                del.setLong(1, m.lastSeq);
                del.executeUpdate();
            }
        }
        return () -> {
            m.next = to;
            if (last) {
                for (Entry e : m.sorted) seqByKey.remove(e.key(), e.seq()); // a newer row of the same key stays
                merging = null;
            }
        };
    }

    /** After a commit: freezes the recent records as the next generation to merge, once there are {@code mergeAt}. */
    void maybeStartMerge() {
        if (merging != null || seqByKey.size() < mergeAt) return;
        List<Entry> all = new ArrayList<>(seqByKey.size());
        long last = 0;
        for (Map.Entry<Key, Long> e : seqByKey.entrySet()) {
            all.add(new Entry(e.getKey(), e.getValue()));
            last = Math.max(last, e.getValue());
        }
        Entry[] sorted = all.toArray(new Entry[0]);
        Arrays.sort(sorted, (a, b) -> Key.compare(a.key(), b.key()));
        merging = new Merge(sorted, last);
    }

    /** After a rollback: what the table holds again (rows of the rolled-back transaction are gone). */
    void reload(Connection conn) throws SQLException {
        seqByKey.clear();
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SELECT seq, key FROM message_dedupe_recent ORDER BY seq")) {
            while (rs.next()) seqByKey.put(Key.of(rs.getBytes(2)), rs.getLong(1));
        }
        // A generation being merged stays: it was frozen after a commit, so its rows are all there (the rollback also
        // undid a final delete of it).
    }

    /**
     * At open, in its own transaction: moves every recent record a previous process left (a crash or a stop in the middle
     * of a generation) into {@code message_dedupe}, newest last, and empties the table. Returns how many were moved.
     */
    static int mergeAll(Connection conn) throws SQLException {
        boolean auto = conn.getAutoCommit();
        conn.setAutoCommit(false);
        try (Statement st = conn.createStatement()) {
            int n = st.executeUpdate("INSERT OR REPLACE INTO message_dedupe(key, message_id, fingerprint, delivered_at) "
                    + "SELECT key, message_id, fingerprint, delivered_at FROM message_dedupe_recent ORDER BY key, seq");
            st.executeUpdate("DELETE FROM message_dedupe_recent");
            conn.commit();
            return n;
        } catch (SQLException e) {
            conn.rollback();
            throw e;
        } finally {
            conn.setAutoCommit(auto);
        }
    }

    /** Recent records known (the sweep prunes the table only when there are some). */
    int size() {
        return seqByKey.size();
    }
}
