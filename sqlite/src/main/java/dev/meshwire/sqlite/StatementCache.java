package dev.meshwire.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * The prepared statements of one connection, each prepared once and kept for the connection's life: SQLite compiles a
 * statement on every {@code prepareStatement}, which was a visible share of the writer threads' time (the coordinator's
 * queue: 4–8 % under relay load; the daemon's outbox drain likewise).
 *
 * <p>Not thread-safe: one thread at a time, the one that owns the connection (a single worker thread, or under the
 * owner's lock). {@link #get} returns the statement as its last user left it (parameters, a batch); callers bind every
 * parameter they use. Callers never close a statement they got: {@link #close} closes them all, before the connection
 * is closed.
 */
public final class StatementCache implements AutoCloseable {
    private final Connection conn;
    private final Map<String, PreparedStatement> statements = new HashMap<>();

    public StatementCache(Connection conn) {
        this.conn = conn;
    }

    /** The statement for {@code sql}, prepared on the first call for that text. */
    public PreparedStatement get(String sql) throws SQLException {
        PreparedStatement ps = statements.get(sql);
        if (ps == null) {
            ps = conn.prepareStatement(sql);
            statements.put(sql, ps);
        }
        return ps;
    }

    /**
     * Closes every statement and forgets them (a later {@link #get} prepares again); the first failure is thrown after
     * all were tried, the others suppressed in it.
     */
    @Override
    public void close() throws SQLException {
        SQLException failed = null;
        for (PreparedStatement ps : statements.values()) {
            try {
                ps.close();
            } catch (SQLException e) {
                if (failed == null) failed = e;
                else failed.addSuppressed(e);
            }
        }
        statements.clear();
        if (failed != null) throw failed;
    }
}
