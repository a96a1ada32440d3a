package dev.meshwire.peer.rpc;

import dev.meshwire.peer.home.Sqlite;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The rpc channel's durable state ({@code daemon/rpc.db}, 0600, WAL), both sides of a call:
 *
 * <ul>
 *   <li>{@code rpc_call} — the caller's calls, keyed by request id: pending until the callee's answer is matched to
 *       it by correlation id (on whatever path it arrives, also after a restart of this daemon);</li>
 *   <li>{@code rpc_served} — the callee's requests, keyed by (caller, request id) UNIQUE: the row is inserted (state
 *       {@code running}) before the handler is given the call, so a retried request finds it and never runs the
 *       handler again; once answered it holds the answer ({@code done}), which a retry gets from the cache. Rows
 *       older than the dedupe window are pruned.</li>
 * </ul>
 *
 * One JDBC connection, every method {@code synchronized}. Blocking: never call from a Vert.x event loop.
 */
public final class RpcStore implements AutoCloseable {
    public static final int SCHEMA_VERSION = 1;

    /** Stored states of a call (the reported {@code timeout} is a pending call past its deadline). */
    public static final String PENDING = "pending";
    public static final String OK = "ok";
    public static final String ERROR = "error";
    public static final String PEER_OFFLINE = "peer_offline";

    /** A caller-side call row. {@code answerJson}: the answer body ({@code {"result":..}} or {@code {"error":..}}). */
    public record Call(String requestId, String meshName, String peerPubkey, String peerName, String method, String state,
                       String answerJson, long createdAt, long deadline, Long answeredAt, String path) {}

    /** A callee-side row: {@code running} (handler given the call, no answer yet) or {@code done} ({@code answerJson} set). */
    public record Served(long id, String meshName, String caller, String callerName, String requestId, String method,
                         String state, String answerJson, long receivedAt, Long deadline) {
        public boolean done() { return "done".equals(state); }
    }

    /** What {@link #answer} did with a response. */
    public enum Matched { RECORDED, DUPLICATE, UNKNOWN }

    private final Connection conn;

    public RpcStore(Path dbFile) {
        try {
            conn = Sqlite.open(dbFile);
            if (Sqlite.checkVersion(conn, "rpc.db", SCHEMA_VERSION) < 1) {
                Sqlite.migrate(conn, 1, """
                        CREATE TABLE rpc_call (
                          request_id TEXT PRIMARY KEY,
                          mesh_name TEXT NOT NULL,
                          peer_pubkey TEXT NOT NULL,
                          peer_name TEXT,
                          method TEXT NOT NULL,
                          state TEXT NOT NULL CHECK (state IN ('pending','ok','error','peer_offline')),
                          answer_json TEXT,
                          created_at INTEGER NOT NULL,
                          deadline INTEGER NOT NULL,
                          answered_at INTEGER,
                          path TEXT
                        )""", """
                        CREATE TABLE rpc_served (
                          id INTEGER PRIMARY KEY AUTOINCREMENT,
                          mesh_name TEXT NOT NULL,
                          caller TEXT NOT NULL,
                          caller_name TEXT,
                          request_id TEXT NOT NULL,
                          method TEXT NOT NULL,
                          state TEXT NOT NULL CHECK (state IN ('running','done')),
                          answer_json TEXT,
                          received_at INTEGER NOT NULL,
                          deadline INTEGER,
                          UNIQUE (caller, request_id)
                        )""",
                        "CREATE INDEX rpc_call_created ON rpc_call(created_at)",
                        "CREATE INDEX rpc_served_received ON rpc_served(received_at)");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open rpc store " + dbFile + ": " + e.getMessage(), e);
        }
    }

    // ---- caller side

    /** Inserts a new call; false when the request id is taken (the existing row is untouched). */
    public synchronized boolean insertCall(Call c) {
        try (PreparedStatement ps = conn.prepareStatement("""
                INSERT OR IGNORE INTO rpc_call (request_id, mesh_name, peer_pubkey, peer_name, method, state, answer_json,
                  created_at, deadline, answered_at, path) VALUES (?,?,?,?,?,?,?,?,?,?,?)""")) {
            ps.setString(1, c.requestId());
            ps.setString(2, c.meshName());
            ps.setString(3, c.peerPubkey());
            ps.setString(4, c.peerName());
            ps.setString(5, c.method());
            ps.setString(6, c.state());
            ps.setString(7, c.answerJson());
            ps.setLong(8, c.createdAt());
            ps.setLong(9, c.deadline());
            ps.setObject(10, c.answeredAt());
            ps.setString(11, c.path());
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new IllegalStateException("rpc store write failed: " + e.getMessage(), e);
        }
    }

    public synchronized Call call(String requestId) {
        try (PreparedStatement ps = conn.prepareStatement("SELECT * FROM rpc_call WHERE request_id = ?")) {
            ps.setString(1, requestId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? call(rs) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("rpc store read failed: " + e.getMessage(), e);
        }
    }

    /**
     * Records the answer of call {@code requestId} if it is a pending call to {@code from} (an answer is accepted only
     * from the callee). A call that already has its answer is a {@link Matched#DUPLICATE}; no such call to that peer is
     * {@link Matched#UNKNOWN}.
     */
    public synchronized Matched answer(String requestId, String from, String state, String answerJson, long now, String path) {
        try (PreparedStatement ps = conn.prepareStatement("""
                UPDATE rpc_call SET state = ?, answer_json = ?, answered_at = ?, path = ?
                WHERE request_id = ? AND peer_pubkey = ? AND state = 'pending'""")) {
            ps.setString(1, state);
            ps.setString(2, answerJson);
            ps.setLong(3, now);
            ps.setString(4, path);
            ps.setString(5, requestId);
            ps.setString(6, from);
            if (ps.executeUpdate() == 1) return Matched.RECORDED;
        } catch (SQLException e) {
            throw new IllegalStateException("rpc store write failed: " + e.getMessage(), e);
        }
        Call c = call(requestId);
        return c != null && c.peerPubkey().equals(from) ? Matched.DUPLICATE : Matched.UNKNOWN;
    }

    /** Marks a pending call failed locally (it could not be handed to the outbox). */
    public synchronized void failCall(String requestId, String answerJson, long now) {
        update("UPDATE rpc_call SET state = 'error', answer_json = ?, answered_at = ? WHERE request_id = ? AND state = 'pending'",
                answerJson, now, requestId);
    }

    // ---- callee side

    /**
     * The dedupe step: inserts a {@code running} row for (caller, request id) unless one exists. Returns the row and
     * whether it is new; only a new row's call may be given to a handler (at most once).
     */
    public synchronized ClaimResult claim(String meshName, String caller, String callerName, String requestId, String method,
                                          long now, Long deadline) {
        try (PreparedStatement ps = conn.prepareStatement("""
                INSERT OR IGNORE INTO rpc_served (mesh_name, caller, caller_name, request_id, method, state, received_at, deadline)
                VALUES (?,?,?,?,?,'running',?,?)""")) {
            ps.setString(1, meshName);
            ps.setString(2, caller);
            ps.setString(3, callerName);
            ps.setString(4, requestId);
            ps.setString(5, method);
            ps.setLong(6, now);
            ps.setObject(7, deadline);
            boolean inserted = ps.executeUpdate() == 1;
            return new ClaimResult(inserted, served(caller, requestId));
        } catch (SQLException e) {
            throw new IllegalStateException("rpc store write failed: " + e.getMessage(), e);
        }
    }

    public record ClaimResult(boolean inserted, Served row) {}

    private Served served(String caller, String requestId) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("SELECT * FROM rpc_served WHERE caller = ? AND request_id = ?")) {
            ps.setString(1, caller);
            ps.setString(2, requestId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? served(rs) : null;
            }
        }
    }

    public synchronized Served served(long id) {
        try (PreparedStatement ps = conn.prepareStatement("SELECT * FROM rpc_served WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? served(rs) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("rpc store read failed: " + e.getMessage(), e);
        }
    }

    /** Stores the answer of a running row; false when the row is unknown or already answered (an answer is final). */
    public synchronized boolean finish(long id, String answerJson) {
        return update("UPDATE rpc_served SET state = 'done', answer_json = ? WHERE id = ? AND state = 'running'", answerJson, id) == 1;
    }

    /** Rows whose handler was running when this daemon stopped (at start: they are answered {@code interrupted}). */
    public synchronized List<Served> running() {
        List<Served> out = new ArrayList<>();
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SELECT * FROM rpc_served WHERE state = 'running' ORDER BY id")) {
            while (rs.next()) out.add(served(rs));
        } catch (SQLException e) {
            throw new IllegalStateException("rpc store read failed: " + e.getMessage(), e);
        }
        return out;
    }

    /** How many requests from {@code caller} with id {@code requestId} are recorded (0 or 1; tests assert on it). */
    public synchronized int servedCount(String caller, String requestId) {
        try {
            return served(caller, requestId) == null ? 0 : 1;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Drops served rows received before {@code servedBefore} and calls created before {@code callsBefore}. */
    public synchronized int prune(long servedBefore, long callsBefore) {
        return update("DELETE FROM rpc_served WHERE received_at < ?", servedBefore)
                + update("DELETE FROM rpc_call WHERE created_at < ?", callsBefore);
    }

    // ---- plumbing

    private int update(String sql, Object... args) {
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("rpc store write failed: " + e.getMessage(), e);
        }
    }

    private static Long optLong(ResultSet rs, String col) throws SQLException {
        long v = rs.getLong(col);
        return rs.wasNull() ? null : v;
    }

    private static Call call(ResultSet rs) throws SQLException {
        return new Call(rs.getString("request_id"), rs.getString("mesh_name"), rs.getString("peer_pubkey"), rs.getString("peer_name"),
                rs.getString("method"), rs.getString("state"), rs.getString("answer_json"), rs.getLong("created_at"),
                rs.getLong("deadline"), optLong(rs, "answered_at"), rs.getString("path"));
    }

    private static Served served(ResultSet rs) throws SQLException {
        return new Served(rs.getLong("id"), rs.getString("mesh_name"), rs.getString("caller"), rs.getString("caller_name"),
                rs.getString("request_id"), rs.getString("method"), rs.getString("state"), rs.getString("answer_json"),
                rs.getLong("received_at"), optLong(rs, "deadline"));
    }

    @Override
    public synchronized void close() {
        try {
            conn.close();
        } catch (SQLException ignored) {
            // shutting down
        }
    }
}
