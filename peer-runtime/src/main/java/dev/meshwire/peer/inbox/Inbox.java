package dev.meshwire.peer.inbox;

import dev.meshwire.peer.home.Sqlite;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The daemon's inbound history in SQLite. Inserts are idempotent on
 * {@code (mesh_id, session, sender_pubkey, client_message_id)} ({@code session} is '' for the member's own
 * messages, else the key of the session held by this daemon they were delivered to): at-least-once delivery means the same message
 * can arrive twice (reconnect before the ack reached the coordinator, later a second path), and the
 * receiver is where duplicates die. The caller acks a duplicate again but does not show it again.
 *
 * <p>JDBC blocks: never call this from a Vert.x event loop. One connection, serialized by
 * {@code synchronized}; SQLite serializes writers anyway. Deliveries at speed go through {@link #insertGrouped}, which
 * commits many rows per transaction on one writer thread.
 */
public final class Inbox implements AutoCloseable {
    private static final int SCHEMA_VERSION = 4;
    /** The most rows one group commit writes. */
    static final int MAX_GROUP = 512;
    private final Connection conn;
    /** Rows waiting for the next group commit ({@link #insertGrouped}), in arrival order. */
    private final java.util.concurrent.LinkedBlockingQueue<Pending> queue = new java.util.concurrent.LinkedBlockingQueue<>();
    private Thread writer;
    private volatile boolean closing;

    private record Pending(InboxMessage message, java.util.concurrent.CompletableFuture<InboxMessage> done) {}

    public Inbox(Path dbFile) {
        try {
            conn = Sqlite.open(dbFile);
            migrate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open inbox " + dbFile + ": " + e.getMessage(), e);
        }
    }

    /** Versioned migrations keyed on PRAGMA user_version; each step runs once, in order. */
    private void migrate() throws SQLException {
        int version = Sqlite.userVersion(conn);
        migrateV1V2(version);
        migrateV3(version);
        migrateV4(version);
    }

    private void migrateV1V2(int version) throws SQLException {
        if (version < 1) {
            try (Statement st = conn.createStatement()) {
                st.execute("""
                        CREATE TABLE IF NOT EXISTS inbox (
                          id INTEGER PRIMARY KEY AUTOINCREMENT,
                          mesh_id TEXT NOT NULL,
                          mesh_name TEXT NOT NULL,
                          sender_pubkey TEXT NOT NULL,
                          sender_name TEXT,
                          client_message_id TEXT NOT NULL,
                          message_id TEXT,
                          channel TEXT NOT NULL,
                          priority TEXT NOT NULL,
                          body TEXT NOT NULL,
                          path TEXT NOT NULL,
                          sent_at INTEGER,
                          received_at INTEGER NOT NULL,
                          seen_at INTEGER,
                          UNIQUE (mesh_id, sender_pubkey, client_message_id)
                        )""");
                st.execute("CREATE INDEX IF NOT EXISTS inbox_received ON inbox(received_at)");
                st.execute("PRAGMA user_version = 1");
            }
        }
        if (version < 2) {
            // v2: rows addressed to a session held by this daemon carry its key in `session` ('' = the member). The
            // same broadcast reaches the member and each session (same sender and clientMessageId), so the session is
            // part of the dedupe key. SQLite cannot alter a UNIQUE constraint: the table is rebuilt in one transaction.
            boolean auto = conn.getAutoCommit();
            conn.setAutoCommit(false);
            try (Statement st = conn.createStatement()) {
                st.execute("""
                        CREATE TABLE inbox_v2 (
                          id INTEGER PRIMARY KEY AUTOINCREMENT,
                          mesh_id TEXT NOT NULL,
                          mesh_name TEXT NOT NULL,
                          sender_pubkey TEXT NOT NULL,
                          sender_name TEXT,
                          client_message_id TEXT NOT NULL,
                          message_id TEXT,
                          channel TEXT NOT NULL,
                          priority TEXT NOT NULL,
                          body TEXT NOT NULL,
                          path TEXT NOT NULL,
                          sent_at INTEGER,
                          received_at INTEGER NOT NULL,
                          seen_at INTEGER,
                          session TEXT NOT NULL DEFAULT '',
                          UNIQUE (mesh_id, session, sender_pubkey, client_message_id)
                        )""");
                st.execute("""
                        INSERT INTO inbox_v2 (id, mesh_id, mesh_name, sender_pubkey, sender_name, client_message_id, message_id,
                          channel, priority, body, path, sent_at, received_at, seen_at)
                        SELECT id, mesh_id, mesh_name, sender_pubkey, sender_name, client_message_id, message_id,
                          channel, priority, body, path, sent_at, received_at, seen_at FROM inbox""");
                st.execute("DROP TABLE inbox");
                st.execute("ALTER TABLE inbox_v2 RENAME TO inbox");
                st.execute("CREATE INDEX IF NOT EXISTS inbox_received ON inbox(received_at)");
                st.execute("PRAGMA user_version = 2");
                conn.commit();
            } catch (SQLException e) {
                conn.rollback();
                throw e;
            } finally {
                conn.setAutoCommit(auto);
            }
        }
    }

    /** Appended after the v2 rebuild, so it runs on a fresh inbox too. */
    private void migrateV3(int version) throws SQLException {
        if (version >= 3) return;
        // v3: the fan-out target (@group, #topic, *), meta.replyToId and meta.mentions (a JSON array) of each message.
        try (Statement st = conn.createStatement()) {
            st.execute("ALTER TABLE inbox ADD COLUMN target TEXT");
            st.execute("ALTER TABLE inbox ADD COLUMN reply_to_id TEXT");
            st.execute("ALTER TABLE inbox ADD COLUMN mentions TEXT");
            st.execute("PRAGMA user_version = 3");
        }
    }

    /**
     * v4: system entries (docs/protocol.md §12.5) carry the mesh event's kind and version, at most one row per (mesh,
     * version) — a replayed event or a second snapshot never adds a second entry — and a user message records whether
     * its mentions name the recipient.
     */
    private void migrateV4(int version) throws SQLException {
        if (version >= 4) return;
        try (Statement st = conn.createStatement()) {
            st.execute("ALTER TABLE inbox ADD COLUMN event_kind TEXT");
            st.execute("ALTER TABLE inbox ADD COLUMN event_version INTEGER");
            st.execute("ALTER TABLE inbox ADD COLUMN mentions_me INTEGER NOT NULL DEFAULT 0");
            st.execute("CREATE UNIQUE INDEX IF NOT EXISTS inbox_system_event ON inbox(mesh_id, event_version) WHERE channel = 'system'");
            // The newest mesh-state version the system entries of a mesh have covered: survives flush and delete, so
            // a catch-up after a crash lists what was missed and never what the user deleted.
            st.execute("CREATE TABLE IF NOT EXISTS system_cursor (mesh_id TEXT PRIMARY KEY, version INTEGER NOT NULL)");
            st.execute("PRAGMA user_version = " + SCHEMA_VERSION);
        }
    }

    /**
     * Stores a message unless the same (mesh, session, sender, clientMessageId) is already stored — or, for a
     * {@code system} entry, unless an entry for the same (mesh, event version) is.
     *
     * @return the stored row (with id) if this call inserted it, or null for a duplicate
     */
    public synchronized InboxMessage insert(InboxMessage m) {
        return insertRow(m);
    }

    /**
     * {@link #insert} through a <b>group commit</b>: the row joins every other row submitted meanwhile, and the
     * future completes (in submission order, on the writer thread) once the transaction holding it has committed —
     * with the stored row, or null for a duplicate — or fails if that transaction failed (nothing of it is stored).
     * One commit for many deliveries is what lets the receiver keep up (docs/delivery.md §6: ack after the commit,
     * unchanged). Callbacks chained without an executor run on the writer thread: keep them short and non-blocking.
     */
    public java.util.concurrent.CompletableFuture<InboxMessage> insertGrouped(InboxMessage m) {
        var f = new java.util.concurrent.CompletableFuture<InboxMessage>();
        synchronized (queue) {
            if (closing) {
                f.completeExceptionally(new IllegalStateException("inbox is closed"));
                return f;
            }
            if (writer == null) {
                writer = new Thread(this::writeLoop, "meshwire-inbox-writer");
                writer.setDaemon(true);
                writer.start();
            }
            queue.add(new Pending(m, f));
        }
        return f;
    }

    private void writeLoop() {
        List<Pending> batch = new ArrayList<>();
        while (true) {
            try {
                Pending first = queue.poll(200, java.util.concurrent.TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (closing) return;
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_GROUP - 1);
                List<InboxMessage> stored;
                try {
                    stored = insertAll(batch.stream().map(Pending::message).toList());
                } catch (RuntimeException e) {
                    for (Pending p : batch) p.done().completeExceptionally(e);
                    continue;
                }
                for (int i = 0; i < batch.size(); i++) batch.get(i).done().complete(stored.get(i));
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // A callback chained on a future threw: theirs to log; the writer goes on.
                org.slf4j.LoggerFactory.getLogger(Inbox.class).error("inbox writer: a completion callback failed", e);
            } finally {
                batch.clear();
            }
        }
    }

    /**
     * Inserts {@code rows} in one transaction (each as {@link #insert}); the result has one entry per row, in order:
     * the stored row, or null for a duplicate (also of an earlier row of the same list).
     */
    public synchronized List<InboxMessage> insertAll(List<InboxMessage> rows) {
        try {
            conn.setAutoCommit(false);
            try {
                List<InboxMessage> out = new ArrayList<>(rows.size());
                for (InboxMessage m : rows) out.add(insertRow(m));
                conn.commit();
                return out;
            } catch (SQLException | RuntimeException e) {
                conn.rollback();
                throw e;
            } finally {
                conn.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("inbox insert failed: " + e.getMessage(), e);
        }
    }

    private PreparedStatement insertStatement;

    private InboxMessage insertRow(InboxMessage m) {
        String sql = """
                INSERT OR IGNORE INTO inbox (mesh_id, mesh_name, sender_pubkey, sender_name, client_message_id,
                  message_id, channel, priority, body, path, sent_at, received_at, session, target, reply_to_id, mentions,
                  event_kind, event_version, mentions_me)
                VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id""";
        try {
            // Kept for the connection's life: compiling the statement per row was a visible cost at thousands a second.
            if (insertStatement == null) insertStatement = conn.prepareStatement(sql);
            PreparedStatement ps = insertStatement;
            ps.clearParameters();
            ps.setString(1, m.meshId());
            ps.setString(2, m.meshName());
            ps.setString(3, m.senderPubkey());
            ps.setString(4, m.senderName());
            ps.setString(5, m.clientMessageId());
            ps.setString(6, m.messageId());
            ps.setString(7, m.channel());
            ps.setString(8, m.priority());
            ps.setString(9, m.text());
            ps.setString(10, m.path());
            if (m.sentAt() == null) ps.setNull(11, Types.INTEGER); else ps.setLong(11, m.sentAt());
            ps.setLong(12, m.receivedAt());
            ps.setString(13, m.session() == null ? "" : m.session());
            ps.setString(14, m.target());
            ps.setString(15, m.replyToId());
            ps.setString(16, m.mentions().isEmpty() ? null : mentionsJson(m.mentions()));
            ps.setString(17, m.eventKind());
            if (m.eventVersion() == null) ps.setNull(18, Types.INTEGER); else ps.setLong(18, m.eventVersion());
            ps.setInt(19, m.mentionsMe() ? 1 : 0);
            // The new row's id comes back with the insert (no second statement per row); a duplicate returns no row.
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? m.stored(rs.getLong(1)) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("inbox insert failed: " + e.getMessage(), e);
        }
    }

    /**
     * Stores a system entry (as {@link #insert}) and moves the mesh's system cursor to its version, in one transaction.
     *
     * @return the stored row, or null when an entry for that (mesh, version) already exists
     */
    public synchronized InboxMessage insertSystem(InboxMessage m) {
        if (!m.system() || m.eventVersion() == null) throw new IllegalArgumentException("not a system entry");
        try {
            conn.setAutoCommit(false);
            try {
                InboxMessage stored = insertRow(m);
                advanceCursor(m.meshId(), m.eventVersion());
                conn.commit();
                return stored;
            } catch (SQLException | RuntimeException e) {
                conn.rollback();
                throw e;
            } finally {
                conn.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("inbox insert failed: " + e.getMessage(), e);
        }
    }

    /** The newest mesh-state version the system entries of {@code meshId} covered, or null when none was recorded. */
    public synchronized Long systemCursor(String meshId) {
        try (PreparedStatement ps = conn.prepareStatement("SELECT version FROM system_cursor WHERE mesh_id = ?")) {
            ps.setString(1, meshId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("inbox read failed: " + e.getMessage(), e);
        }
    }

    /** Moves the system cursor of {@code meshId} to {@code version} unless it is already there or beyond. */
    public synchronized void advanceSystemCursor(String meshId, long version) {
        try {
            advanceCursor(meshId, version);
        } catch (SQLException e) {
            throw new IllegalStateException("inbox write failed: " + e.getMessage(), e);
        }
    }

    private void advanceCursor(String meshId, long version) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("INSERT INTO system_cursor (mesh_id, version) VALUES (?, ?) "
                + "ON CONFLICT(mesh_id) DO UPDATE SET version = max(version, excluded.version)")) {
            ps.setString(1, meshId);
            ps.setLong(2, version);
            ps.executeUpdate();
        }
    }

    /**
     * The newest {@code limit} messages, oldest first (reading order). Optionally restricted to one
     * mesh and to unread rows ({@code seen_at IS NULL}). With {@code markSeen}, exactly the returned
     * rows that were unread get {@code seen_at} = now (the returned copies show the value before this
     * call, so a caller can tell new from already seen).
     */
    public synchronized List<InboxMessage> list(String meshName, int limit, boolean unreadOnly, boolean markSeen) {
        return list(meshName, null, limit, unreadOnly, markSeen);
    }

    /**
     * As {@link #list(String, int, boolean, boolean)}, for one recipient: {@code session} null lists the member's
     * own messages, a session key lists only the messages delivered to that session.
     */
    public synchronized List<InboxMessage> list(String meshName, String session, int limit, boolean unreadOnly, boolean markSeen) {
        return list(meshName, session, InboxKind.ALL, limit, unreadOnly, markSeen);
    }

    /** As {@link #list(String, String, int, boolean, boolean)}, restricted to one {@link InboxKind}. */
    public synchronized List<InboxMessage> list(String meshName, String session, InboxKind kind, int limit, boolean unreadOnly,
                                                boolean markSeen) {
        StringBuilder sql = new StringBuilder("SELECT * FROM inbox WHERE session = ?").append(kind.where());
        if (meshName != null) sql.append(" AND mesh_name = ?");
        if (unreadOnly) sql.append(" AND seen_at IS NULL");
        sql.append(" ORDER BY id DESC LIMIT ?");
        List<InboxMessage> out = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement(sql.toString())) {
            int i = 1;
            ps.setString(i++, session == null ? "" : session);
            if (meshName != null) ps.setString(i++, meshName);
            ps.setInt(i, Math.max(1, limit));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(row(rs));
            }
            if (markSeen && !out.isEmpty()) {
                try (PreparedStatement up = conn.prepareStatement("UPDATE inbox SET seen_at = ? WHERE id = ? AND seen_at IS NULL")) {
                    long now = System.currentTimeMillis();
                    for (InboxMessage m : out) {
                        if (m.seenAt() != null) continue;
                        up.setLong(1, now);
                        up.setLong(2, m.id());
                        up.addBatch();
                    }
                    up.executeBatch();
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("inbox read failed: " + e.getMessage(), e);
        }
        Collections.reverse(out);
        return out;
    }

    /** Compatibility form: all rows (not only unread). */
    public synchronized List<InboxMessage> list(String meshName, int limit, boolean markSeen) {
        return list(meshName, limit, false, markSeen);
    }

    /** Unread rows delivered to the session {@code session} (a key). */
    public synchronized long unreadCountForSession(String session) {
        try (PreparedStatement ps = conn.prepareStatement("SELECT COUNT(*) FROM inbox WHERE seen_at IS NULL AND session = ?")) {
            ps.setString(1, session);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Unread rows of every kind (optionally in one mesh). */
    public synchronized long unreadCount(String meshName) {
        return unreadCount(meshName, InboxKind.ALL);
    }

    /** Unread rows of {@code kind} (optionally in one mesh). */
    public synchronized long unreadCount(String meshName, InboxKind kind) {
        String sql = "SELECT COUNT(*) FROM inbox WHERE seen_at IS NULL" + kind.where() + (meshName != null ? " AND mesh_name = ?" : "");
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            if (meshName != null) ps.setString(1, meshName);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Deletes seen rows, or every row with {@code includeUnread}; optionally one mesh only.
     * Returns how many were deleted.
     */
    public synchronized int flush(String meshName, boolean includeUnread) {
        String sql = "DELETE FROM inbox WHERE 1=1" + (includeUnread ? "" : " AND seen_at IS NOT NULL")
                + (meshName != null ? " AND mesh_name = ?" : "");
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            if (meshName != null) ps.setString(1, meshName);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("inbox flush failed: " + e.getMessage(), e);
        }
    }

    /** Deletes one row by its local id; false if there was none. */
    public synchronized boolean delete(long id) {
        try (PreparedStatement ps = conn.prepareStatement("DELETE FROM inbox WHERE id = ?")) {
            ps.setLong(1, id);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new IllegalStateException("inbox delete failed: " + e.getMessage(), e);
        }
    }

    /**
     * Retention: deletes rows received before {@code cutoff} (epoch ms), seen or not. A message pruned
     * here can be redelivered only if the coordinator still holds it undelivered, which it does not
     * (it was acked when stored), so pruning never resurrects a message.
     */
    public synchronized int pruneBefore(long cutoff) {
        try (PreparedStatement ps = conn.prepareStatement("DELETE FROM inbox WHERE received_at < ?")) {
            ps.setLong(1, cutoff);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("inbox prune failed: " + e.getMessage(), e);
        }
    }

    public synchronized long count() {
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM inbox")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static InboxMessage row(ResultSet rs) throws SQLException {
        long sent = rs.getLong("sent_at");
        Long sentAt = rs.wasNull() ? null : sent;
        long seen = rs.getLong("seen_at");
        Long seenAt = rs.wasNull() ? null : seen;
        return new InboxMessage(rs.getLong("id"), rs.getString("mesh_id"), rs.getString("mesh_name"),
                rs.getString("sender_pubkey"), rs.getString("sender_name"), rs.getString("client_message_id"),
                rs.getString("message_id"), rs.getString("channel"), rs.getString("priority"), rs.getString("body"),
                rs.getString("path"), sentAt, rs.getLong("received_at"), seenAt,
                rs.getString("session").isEmpty() ? null : rs.getString("session"), rs.getString("target"),
                rs.getString("reply_to_id"), mentions(rs.getString("mentions")), rs.getString("event_kind"),
                eventVersion(rs), rs.getInt("mentions_me") != 0);
    }

    private static Long eventVersion(ResultSet rs) throws SQLException {
        long v = rs.getLong("event_version");
        return rs.wasNull() ? null : v;
    }

    private static String mentionsJson(List<String> mentions) {
        try {
            return dev.meshwire.signaling.Json.MAPPER.writeValueAsString(mentions);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> mentions(String json) {
        if (json == null) return List.of();
        try {
            return List.of(dev.meshwire.signaling.Json.MAPPER.readValue(json, String[].class));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return List.of(); // written by mentionsJson only; an unreadable value shows as no mentions
        }
    }

    /** Stops the writer after it has written what was submitted, then closes the database. */
    @Override
    public void close() {
        Thread w;
        synchronized (queue) {
            closing = true;
            w = writer;
        }
        if (w != null) {
            try {
                w.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (Pending p; (p = queue.poll()) != null; ) p.done().completeExceptionally(new IllegalStateException("inbox is closed"));
        closeConnection();
    }

    private synchronized void closeConnection() {
        try {
            if (insertStatement != null) insertStatement.close();
            conn.close();
        } catch (SQLException ignored) {
            // closing on shutdown; nothing to do
        }
    }
}
