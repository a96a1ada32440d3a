package dev.meshwire.coordinator.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link CoordinatorStore} on SQLite through sqlite-jdbc.
 *
 * <p>JDBC blocks, so every call runs on a dedicated single-thread Vert.x worker executor and the
 * result is delivered back on the caller's context. One thread and one connection is deliberate:
 * SQLite serializes writers anyway, and it makes each method trivially atomic (the invite use count
 * cannot race). The SQL is kept portable so the PostgreSQL store can mirror it.
 */
public final class SqliteCoordinatorStore implements CoordinatorStore {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteCoordinatorStore.class);

    private final Connection conn;
    private final WorkerExecutor worker;
    private volatile boolean closed;

    private SqliteCoordinatorStore(Connection conn, WorkerExecutor worker) {
        this.conn = conn;
        this.worker = worker;
    }

    /**
     * Opens (creating if needed) the database at {@code jdbcUrl} and applies pending migrations,
     * synchronously on the calling thread (start-up is blocking by contract).
     */
    public static SqliteCoordinatorStore open(Vertx vertx, String jdbcUrl) throws SQLException {
        Connection conn = DriverManager.getConnection(jdbcUrl);
        try {
            try (Statement st = conn.createStatement()) {
                st.execute("PRAGMA journal_mode=WAL");
                st.execute("PRAGMA foreign_keys=ON");
                st.execute("PRAGMA busy_timeout=5000");
            }
            migrate(conn);
        } catch (SQLException | RuntimeException e) {
            conn.close();
            throw e;
        }
        return new SqliteCoordinatorStore(conn, vertx.createSharedWorkerExecutor("meshwire-sqlite", 1));
    }

    static void migrate(Connection conn) throws SQLException {
        try (Statement st = conn.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at BIGINT NOT NULL)");
        }
        int current = currentVersion(conn);
        if (current > Migration.latestVersion()) {
            throw new SQLException("database schema version " + current + " is newer than this coordinator ("
                    + Migration.latestVersion() + "); upgrade the coordinator");
        }
        for (Migration m : Migration.ALL) {
            if (m.version() <= current) continue;
            conn.setAutoCommit(false);
            try (Statement st = conn.createStatement()) {
                for (String sql : m.statements()) st.execute(sql);
                try (PreparedStatement ps = conn.prepareStatement("INSERT INTO schema_version(version, description, applied_at) VALUES (?,?,?)")) {
                    ps.setInt(1, m.version());
                    ps.setString(2, m.description());
                    ps.setLong(3, System.currentTimeMillis());
                    ps.executeUpdate();
                }
                conn.commit();
                LOG.info("applied schema migration {} ({})", m.version(), m.description());
            } catch (SQLException e) {
                conn.rollback();
                throw e;
            } finally {
                conn.setAutoCommit(true);
            }
        }
    }

    private static int currentVersion(Connection conn) throws SQLException {
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_version")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private <T> Future<T> run(Callable<T> work) {
        if (closed) return Future.failedFuture(new StoreException("store is closed"));
        return worker.executeBlocking(() -> {
            try {
                return work.call();
            } catch (SQLException e) {
                throw new StoreException("database error: " + e.getMessage(), e);
            }
        }, true);
    }

    /** Runs {@code work} in one transaction on the worker thread. */
    private <T> Future<T> tx(Callable<T> work) {
        return run(() -> {
            conn.setAutoCommit(false);
            try {
                T result = work.call();
                conn.commit();
                return result;
            } catch (Exception e) {
                conn.rollback();
                throw e;
            } finally {
                conn.setAutoCommit(true);
            }
        });
    }

    @Override
    public Future<Integer> schemaVersion() {
        return run(() -> {
            int v = currentVersion(conn);
            if (v != Migration.latestVersion()) throw new StoreException("schema version " + v + ", expected " + Migration.latestVersion());
            return v;
        });
    }

    @Override
    public Future<MeshRecord> createMesh(MeshRecord mesh, MemberRecord owner) {
        return tx(() -> {
            try (PreparedStatement ps = conn.prepareStatement("SELECT 1 FROM meshes WHERE name = ?")) {
                ps.setString(1, mesh.name());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) throw new StoreException.DuplicateMeshName(mesh.name());
                }
            }
            try (PreparedStatement ps = conn.prepareStatement("INSERT INTO meshes(id, name, owner_pubkey, created_at) VALUES (?,?,?,?)")) {
                ps.setString(1, mesh.id());
                ps.setString(2, mesh.name());
                ps.setString(3, mesh.ownerPubkey());
                ps.setLong(4, mesh.createdAt());
                ps.executeUpdate();
            }
            insertMember(owner);
            return mesh;
        });
    }

    private void insertMember(MemberRecord m) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("INSERT INTO members(mesh_id, pubkey, name, role, joined_at) VALUES (?,?,?,?,?)")) {
            ps.setString(1, m.meshId());
            ps.setString(2, m.pubkey());
            ps.setString(3, m.name());
            ps.setString(4, m.role());
            ps.setLong(5, m.joinedAt());
            ps.executeUpdate();
        }
    }

    @Override
    public Future<Optional<MeshRecord>> findMesh(String meshId) {
        return run(() -> {
            try (PreparedStatement ps = conn.prepareStatement("SELECT id, name, owner_pubkey, created_at FROM meshes WHERE id = ?")) {
                ps.setString(1, meshId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new MeshRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4))) : Optional.empty();
                }
            }
        });
    }

    private static final String MEMBER_COLUMNS = "SELECT mesh_id, pubkey, name, role, joined_at FROM members ";

    private static MemberRecord member(ResultSet rs) throws SQLException {
        return new MemberRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5));
    }

    private Optional<MemberRecord> queryMember(String where, String meshId, String value) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(MEMBER_COLUMNS + where)) {
            ps.setString(1, meshId);
            ps.setString(2, value);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(member(rs)) : Optional.empty();
            }
        }
    }

    @Override
    public Future<Optional<MemberRecord>> findMember(String meshId, String pubkey) {
        return run(() -> queryMember("WHERE mesh_id = ? AND pubkey = ?", meshId, pubkey));
    }

    @Override
    public Future<Optional<MemberRecord>> findMemberByName(String meshId, String name) {
        return run(() -> queryMember("WHERE mesh_id = ? AND name = ?", meshId, name));
    }

    @Override
    public Future<List<MemberRecord>> listMembers(String meshId) {
        return run(() -> {
            try (PreparedStatement ps = conn.prepareStatement(MEMBER_COLUMNS + "WHERE mesh_id = ? ORDER BY joined_at, name")) {
                ps.setString(1, meshId);
                List<MemberRecord> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(member(rs));
                }
                return out;
            }
        });
    }

    @Override
    public Future<JoinResult> joinWithInvite(String inviteId, int maxUses, MemberRecord candidate) {
        return tx(() -> {
            Optional<MemberRecord> existing = queryMember("WHERE mesh_id = ? AND pubkey = ?", candidate.meshId(), candidate.pubkey());
            if (existing.isPresent()) return new JoinResult.Joined(existing.get(), true);
            if (queryMember("WHERE mesh_id = ? AND name = ?", candidate.meshId(), candidate.name()).isPresent()) {
                return new JoinResult.NameTaken(candidate.name());
            }
            try (PreparedStatement ps = conn.prepareStatement("INSERT INTO invite_uses(mesh_id, invite_id, uses) VALUES (?,?,0) ON CONFLICT (mesh_id, invite_id) DO NOTHING")) {
                ps.setString(1, candidate.meshId());
                ps.setString(2, inviteId);
                ps.executeUpdate();
            }
            // Conditional increment: the use is counted only while uses < maxUses, in the same transaction as the insert.
            try (PreparedStatement ps = conn.prepareStatement("UPDATE invite_uses SET uses = uses + 1 WHERE mesh_id = ? AND invite_id = ? AND uses < ?")) {
                ps.setString(1, candidate.meshId());
                ps.setString(2, inviteId);
                ps.setInt(3, maxUses);
                if (ps.executeUpdate() == 0) {
                    conn.rollback();
                    return new JoinResult.Exhausted(maxUses);
                }
            }
            insertMember(candidate);
            return new JoinResult.Joined(candidate, false);
        });
    }

    @Override
    public Future<Boolean> removeMember(String meshId, String pubkey) {
        return run(() -> {
            try (PreparedStatement ps = conn.prepareStatement("DELETE FROM members WHERE mesh_id = ? AND pubkey = ?")) {
                ps.setString(1, meshId);
                ps.setString(2, pubkey);
                return ps.executeUpdate() > 0;
            }
        });
    }

    private static BanRecord ban(ResultSet rs) throws SQLException {
        return new BanRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getString(5));
    }

    @Override
    public Future<Optional<BanRecord>> findBan(String meshId, String pubkey) {
        return run(() -> {
            try (PreparedStatement ps = conn.prepareStatement("SELECT mesh_id, pubkey, name, banned_at, banned_by FROM bans WHERE mesh_id = ? AND pubkey = ?")) {
                ps.setString(1, meshId);
                ps.setString(2, pubkey);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(ban(rs)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public Future<Void> addBan(BanRecord b) {
        return run(() -> {
            try (PreparedStatement ps = conn.prepareStatement(
                    "INSERT INTO bans(mesh_id, pubkey, name, banned_at, banned_by) VALUES (?,?,?,?,?) "
                            + "ON CONFLICT (mesh_id, pubkey) DO UPDATE SET name = excluded.name, banned_at = excluded.banned_at, banned_by = excluded.banned_by")) {
                ps.setString(1, b.meshId());
                ps.setString(2, b.pubkey());
                ps.setString(3, b.name());
                ps.setLong(4, b.bannedAt());
                ps.setString(5, b.bannedBy());
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public Future<Boolean> removeBan(String meshId, String pubkey) {
        return run(() -> {
            try (PreparedStatement ps = conn.prepareStatement("DELETE FROM bans WHERE mesh_id = ? AND pubkey = ?")) {
                ps.setString(1, meshId);
                ps.setString(2, pubkey);
                return ps.executeUpdate() > 0;
            }
        });
    }

    @Override
    public Future<List<BanRecord>> listBans(String meshId) {
        return run(() -> {
            try (PreparedStatement ps = conn.prepareStatement("SELECT mesh_id, pubkey, name, banned_at, banned_by FROM bans WHERE mesh_id = ? ORDER BY banned_at")) {
                ps.setString(1, meshId);
                List<BanRecord> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(ban(rs));
                }
                return out;
            }
        });
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        worker.close();
        try {
            conn.close();
        } catch (SQLException e) {
            LOG.warn("closing the database failed: {}", e.getMessage());
        }
    }
}
