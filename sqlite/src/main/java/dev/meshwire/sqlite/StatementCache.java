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
     * The statement for {@code sql} followed by {@code LIMIT n}, where {@code n} is {@code limit} rounded up to a power of
     * two ({@link #limitText}); the caller reads at most {@code limit} rows. Why not {@code LIMIT ?}: SQLite plans a
     * bound {@code LIMIT} with its value, so it prepares such a statement again at every execution — the coordinator's
     * claim query took ~28 µs that way instead of ~3 (docs/benchmarks.md "Relay writer: two queries that ran far more
     * than they had to"). At most 32 statements per {@code sql}, one per power of two used.
     */
    public PreparedStatement getLimited(String sql, int limit) throws SQLException {
        return get(sql + " LIMIT " + limitText(limit));
    }

    /** {@code limit} (≥ 1) rounded up to a power of two, as the text of a {@code LIMIT}; above 2^30, the largest int. */
    public static String limitText(int limit) {
        if (limit < 1) throw new IllegalArgumentException("LIMIT " + limit);
        return limit > (1 << 30) ? Integer.toString(Integer.MAX_VALUE) : Integer.toString(limit == 1 ? 1 : Integer.highestOneBit(limit - 1) << 1);
    }

    /**
     * After a failed transaction: closes every statement, ignoring failures, so that the next {@link #get} prepares
     * afresh. sqlite-jdbc finalizes a statement whose step failed with anything but BUSY, LOCKED, CONSTRAINT or MISUSE
     * (SQLITE_FULL, SQLITE_IOERR, …); kept, it would fail every later use with "statement is not executing", even once
     * the cause (a full disk) is gone.
     */
    public void discard() {
        try {
            close(); // tries every statement and forgets them all, whatever fails
        } catch (SQLException ignored) {
            // finalized already: what discard is for
        }
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
