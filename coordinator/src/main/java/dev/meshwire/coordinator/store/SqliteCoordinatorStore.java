package dev.meshwire.coordinator.store;

import dev.meshwire.signaling.Json;
import dev.meshwire.signaling.envelope.CanonicalJson;
import dev.meshwire.signaling.meshstate.MeshEvent;
import dev.meshwire.signaling.meshstate.StateRef;
import dev.meshwire.sqlite.SqliteFiles;
import dev.meshwire.sqlite.SqliteTuning;
import dev.meshwire.sqlite.StatementCache;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * cannot race). The SQL is kept portable so the PostgreSQL store can mirror it. Queue batches (enqueue,
 * claim, acks) are each one transaction on that thread, so a batch costs one fsync-free WAL commit.
 */
public final class SqliteCoordinatorStore implements CoordinatorStore {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteCoordinatorStore.class);

    private final Connection conn;
    private final WorkerExecutor worker;
    private final SqliteFileLock fileLock; // null for an in-memory database
    private final RecentDedupe recent;
    /** Set when a transaction wrote recent dedupe records: a rollback then reloads {@link #recent}'s map. */
    private boolean recentTouched;
    private final DepthCache depths = new DepthCache();
    private volatile boolean closed;

    private final TopicHistory topicHistory;

    private SqliteCoordinatorStore(Connection conn, WorkerExecutor worker, SqliteFileLock fileLock, RecentDedupe recent) {
        this.conn = conn;
        this.statements = new StatementCache(conn);
        this.worker = worker;
        this.fileLock = fileLock;
        this.recent = recent;
        this.topicHistory = new SqliteTopicHistory(conn, this::run);
    }

    @Override
    public TopicHistory topicHistory() {
        return topicHistory;
    }

    /**
     * Opens (creating if needed) the database at {@code jdbcUrl} and applies pending migrations,
     * synchronously on the calling thread (start-up is blocking by contract). A database file serves one store at a
     * time ({@link SqliteFileLock}): a second open fails with a {@link StoreException} until the first is closed.
     */
    public static SqliteCoordinatorStore open(Vertx vertx, String jdbcUrl) throws SQLException {
        return open(vertx, jdbcUrl, RecentDedupe.DEFAULT_MERGE_AT, RecentDedupe.DEFAULT_SLICE);
    }

    /**
     * {@link #open(Vertx, String)} with the recent dedupe records merged into {@code message_dedupe} once
     * {@code dedupeMergeAt} of them are recent, {@code dedupeMergeSlice} per group (docs/storage.md "Recent dedupe
     * records"); small values let tests go through many merges.
     */
    public static SqliteCoordinatorStore open(Vertx vertx, String jdbcUrl, int dedupeMergeAt, int dedupeMergeSlice) throws SQLException {
        RecentDedupe recent = new RecentDedupe(dedupeMergeAt, dedupeMergeSlice);
        Path file = SqliteFiles.databaseFile(jdbcUrl);
        // The file 0600 before the lock, as before it was the lock's: a missing directory or a file that cannot be made
        // private is reported as the database file's (SqliteFiles.open checks again, after the lock).
        if (file != null) SqliteFiles.secure(file);
        SqliteFileLock fileLock = file == null ? null : SqliteFileLock.acquire(file);
        Connection conn;
        try {
            conn = SqliteFiles.open(jdbcUrl, SqliteTuning.COORDINATOR); // the file 0600, the shared pragmas, a 64 MiB page cache
        } catch (SQLException | RuntimeException e) {
            if (fileLock != null) fileLock.close();
            throw e;
        }
        try {
            migrate(conn);
            int moved = RecentDedupe.mergeAll(conn);
            if (moved > 0) LOG.info("moved {} recent dedupe records into message_dedupe", moved);
        } catch (SQLException | RuntimeException e) {
            conn.close();
            if (fileLock != null) fileLock.close();
            throw e;
        }
        return new SqliteCoordinatorStore(conn, vertx.createSharedWorkerExecutor("meshwire-sqlite", 1), fileLock, recent);
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
                for (String sql : m.statements(Migration.Dialect.SQLITE)) st.execute(sql);
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

    /** Added to by a transaction's work, to run in order once that transaction has committed (worker thread only; cleared either way). */
    private final List<Runnable> afterCommit = new ArrayList<>();

    /**
     * Runs {@code work} in one transaction on the worker thread. SQLite rolls some failures back by itself (SQLITE_FULL,
     * SQLITE_IOERR, SQLITE_NOMEM, SQLITE_BUSY; docs/storage.md "A full disk"): then the rollback here fails with "no
     * transaction is active" and so does the {@code setAutoCommit(true)} after it ("cannot commit"); neither may hide the
     * failure that matters, nor skip the reload of {@link #recent} or the reset of the statement cache.
     */
    private <T> Future<T> tx(Callable<T> work) {
        return run(() -> {
            conn.setAutoCommit(false);
            Exception failed = null;
            try {
                T result = work.call();
                conn.commit();
                for (Runnable r : afterCommit) r.run();
                return result;
            } catch (Exception e) {
                failed = e;
                try {
                    conn.rollback();
                } catch (SQLException r) {
                    e.addSuppressed(r);
                }
                statements.discard(); // a failed step may have finalized some (a full disk): prepare afresh
                if (recentTouched) {
                    try {
                        recent.reload(conn); // its map may name rows the rollback took away
                    } catch (SQLException r) {
                        e.addSuppressed(r);
                    }
                }
                throw e;
            } finally {
                afterCommit.clear();
                recentTouched = false;
                try {
                    conn.setAutoCommit(true);
                } catch (SQLException r) {
                    if (failed == null) throw r;
                    failed.addSuppressed(r);
                }
            }
        });
    }

    /**
     * Test hook (package-private; tests reach it through the test tree's {@code SqliteStoreHooks}): runs one statement that
     * answers a number — a {@code PRAGMA} such as {@code page_count} or {@code max_page_count}, which holds for this
     * connection only — on the store's own connection, on its worker thread. SqliteDiskFullTest makes the database "full"
     * with it.
     */
    Future<Long> pragmaForTest(String sql) {
        return run(() -> {
            try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                return rs.next() ? rs.getLong(1) : -1L;
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
    public Future<MeshRecord> createMesh(MeshRecord mesh, MemberRecord owner, AuthorityKey authority, List<MeshEvent> genesis) {
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
            insertGenesis(mesh.id(), authority, genesis);
            return mesh;
        });
    }

    private void insertGenesis(String meshId, AuthorityKey authority, List<MeshEvent> genesis) throws SQLException {
        if (genesis.isEmpty()) throw new StoreException("a mesh needs at least its genesis event");
        insertAuthorityKey(authority);
        for (MeshEvent e : genesis) insertEvent(e);
        StateRef head = genesis.get(genesis.size() - 1).ref();
        update("INSERT INTO mesh_heads(mesh_id, version, hash) VALUES (?,?,?)", meshId, head.version(), head.head());
    }

    private void insertAuthorityKey(AuthorityKey k) throws SQLException {
        update("INSERT INTO authority_keys(mesh_id, public_key, secret_key, created_at, retired_at) VALUES (?,?,?,?,?)",
                k.meshId(), k.publicKey(), k.secretKey(), k.createdAt(), k.retiredAt());
    }

    private void insertEvent(MeshEvent e) throws SQLException {
        update("INSERT INTO mesh_events(mesh_id, version, hash, prev, kind, at, actor, data, signature) VALUES (?,?,?,?,?,?,?,?,?)",
                e.mesh(), e.version(), e.hash(), e.prev(), e.kind(), e.at(), e.actor(), CanonicalJson.write(e.data()), e.signature());
    }

    private void insertMember(MemberRecord m) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("INSERT INTO members(mesh_id, pubkey, name, role, joined_at, expires_at) VALUES (?,?,?,?,?,?)")) {
            ps.setString(1, m.meshId());
            ps.setString(2, m.pubkey());
            ps.setString(3, m.name());
            ps.setString(4, m.role());
            ps.setLong(5, m.joinedAt());
            ps.setObject(6, m.expiresAt());
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

    private static final String MEMBER_COLUMNS = "SELECT mesh_id, pubkey, name, role, joined_at, expires_at FROM members ";

    private static MemberRecord member(ResultSet rs) throws SQLException {
        long exp = rs.getLong(6);
        Long expiresAt = rs.wasNull() ? null : exp;
        return new MemberRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5), expiresAt);
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
            try (PreparedStatement ps = conn.prepareStatement(MEMBER_COLUMNS + "WHERE mesh_id = ? "
                    + "AND NOT EXISTS (SELECT 1 FROM bans b WHERE b.mesh_id = members.mesh_id AND b.pubkey = members.pubkey) "
                    + "AND NOT EXISTS (SELECT 1 FROM revocations r WHERE r.mesh_id = members.mesh_id AND r.pubkey = members.pubkey) "
                    + "ORDER BY joined_at, name")) {
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
    public Future<JoinResult> joinWithInvite(String inviteId, int maxUses, MemberRecord candidate, EventSealer joined) {
        return tx(() -> {
            Optional<MemberRecord> existing = queryMember("WHERE mesh_id = ? AND pubkey = ?", candidate.meshId(), candidate.pubkey());
            if (existing.isPresent()) return new JoinResult.Joined(existing.get(), true, null);
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
            MeshEvent event = appendInTx(candidate.meshId(), joined, new MeshEffect.None()).event();
            return new JoinResult.Joined(candidate, false, event);
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
    public Future<Optional<RevocationRecord>> findRevocation(String meshId, String pubkey) {
        return run(() -> {
            try (PreparedStatement ps = conn.prepareStatement(
                    "SELECT mesh_id, pubkey, revoked_at, revoked_by, reason FROM revocations WHERE mesh_id = ? AND pubkey = ?")) {
                ps.setString(1, meshId);
                ps.setString(2, pubkey);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new RevocationRecord(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4),
                            rs.getString(5))) : Optional.empty();
                }
            }
        });
    }

    // ---- mesh state ----

    @Override
    public Future<Appended> append(String meshId, EventSealer sealer, MeshEffect effect) {
        return tx(() -> appendInTx(meshId, sealer, effect));
    }

    /**
     * One append inside the caller's transaction. The single writer thread serializes appends of this
     * process; the head row check (version + 1, prev = head) guards against anything else.
     */
    private Appended appendInTx(String meshId, EventSealer sealer, MeshEffect effect) throws SQLException {
        StateRef head = queryHead(meshId).orElseThrow(() -> new StoreException.NoMeshState(meshId));
        AuthorityKey key = queryKeys(meshId, true).stream().findFirst().orElseThrow(() -> new StoreException.NoMeshState(meshId));
        MeshEvent e = sealer.seal(head, key);
        if (e.version() != head.version() + 1 || !head.head().equals(e.prev()) || !meshId.equals(e.mesh())) {
            throw new StoreException("event v" + e.version() + " does not follow the head v" + head.version() + " of mesh " + meshId);
        }
        int dropped = applyEffect(meshId, effect, e.at());
        insertEvent(e);
        try (PreparedStatement ps = conn.prepareStatement("UPDATE mesh_heads SET version = ?, hash = ? WHERE mesh_id = ? AND version = ?")) {
            ps.setLong(1, e.version());
            ps.setString(2, e.hash());
            ps.setString(3, meshId);
            ps.setLong(4, head.version());
            if (ps.executeUpdate() != 1) throw new StoreException("the head of mesh " + meshId + " moved during an append");
        }
        return new Appended(e, dropped);
    }

    private int update(String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
            return ps.executeUpdate();
        }
    }

    /** Applies {@code effect}; returns the number of queue rows it deleted. */
    private int applyEffect(String meshId, MeshEffect effect, long at) throws SQLException {
        if (effect instanceof MeshEffect.None) {
            return 0;
        } else if (effect instanceof MeshEffect.RemoveMember r) {
            update("DELETE FROM members WHERE mesh_id = ? AND pubkey = ?", meshId, r.pubkey());
            return 0;
        } else if (effect instanceof MeshEffect.Rename r) {
            try (PreparedStatement ps = conn.prepareStatement("SELECT 1 FROM members WHERE mesh_id = ? AND name = ? AND pubkey <> ?")) {
                ps.setString(1, meshId);
                ps.setString(2, r.name());
                ps.setString(3, r.pubkey());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) throw new StoreException.NameTaken(r.name());
                }
            }
            update("UPDATE members SET name = ? WHERE mesh_id = ? AND pubkey = ?", r.name(), meshId, r.pubkey());
            return 0;
        } else if (effect instanceof MeshEffect.Ban b) {
            BanRecord ban = b.ban();
            update("INSERT INTO bans(mesh_id, pubkey, name, banned_at, banned_by) VALUES (?,?,?,?,?) "
                    + "ON CONFLICT (mesh_id, pubkey) DO UPDATE SET name = excluded.name, banned_at = excluded.banned_at, banned_by = excluded.banned_by",
                    meshId, ban.pubkey(), ban.name(), ban.bannedAt(), ban.bannedBy());
            return update(DELETE_SENT_ROWS_SQL, meshId, ban.pubkey()) + update(DELETE_SESSION_ROWS_SQL, meshId, ban.pubkey());
        } else if (effect instanceof MeshEffect.Unban u) {
            update("DELETE FROM bans WHERE mesh_id = ? AND pubkey = ?", meshId, u.pubkey());
            return 0;
        } else if (effect instanceof MeshEffect.Revoke r) {
            RevocationRecord rv = r.revocation();
            update("INSERT INTO revocations(mesh_id, pubkey, revoked_at, revoked_by, reason) VALUES (?,?,?,?,?) ON CONFLICT (mesh_id, pubkey) DO NOTHING",
                    meshId, rv.pubkey(), rv.revokedAt(), rv.revokedBy(), rv.reason());
            return update(DELETE_SENT_OR_RECEIVED_ROWS_SQL, meshId, rv.pubkey(), rv.pubkey()) + update(DELETE_SESSION_ROWS_SQL, meshId, rv.pubkey());
        } else if (effect instanceof MeshEffect.SetRole r) {
            update("UPDATE members SET role = ? WHERE mesh_id = ? AND pubkey = ?", r.role(), meshId, r.pubkey());
            return 0;
        } else if (effect instanceof MeshEffect.SetExpiry x) {
            update("UPDATE members SET expires_at = ? WHERE mesh_id = ? AND pubkey = ?", x.expiresAt(), meshId, x.pubkey());
            return 0;
        } else if (effect instanceof MeshEffect.RotateAuthority r) {
            update("UPDATE authority_keys SET retired_at = ? WHERE mesh_id = ? AND retired_at IS NULL", at, meshId);
            insertAuthorityKey(r.next());
            return 0;
        }
        throw new IllegalArgumentException("unknown effect " + effect);
    }

    private Optional<StateRef> queryHead(String meshId) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("SELECT version, hash FROM mesh_heads WHERE mesh_id = ?")) {
            ps.setString(1, meshId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new StateRef(rs.getLong(1), rs.getString(2))) : Optional.empty();
            }
        }
    }

    private List<AuthorityKey> queryKeys(String meshId, boolean currentOnly) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("SELECT mesh_id, public_key, secret_key, created_at, retired_at FROM authority_keys "
                + "WHERE mesh_id = ?" + (currentOnly ? " AND retired_at IS NULL" : "") + " ORDER BY created_at, retired_at IS NULL")) {
            ps.setString(1, meshId);
            List<AuthorityKey> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long retired = rs.getLong(5);
                    Long retiredAt = rs.wasNull() ? null : retired;
                    out.add(new AuthorityKey(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), retiredAt));
                }
            }
            return out;
        }
    }

    private static final String EVENT_COLUMNS = "SELECT mesh_id, version, prev, kind, at, actor, data, signature FROM mesh_events ";

    private List<MeshEvent> queryEvents(String where, Object... args) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(EVENT_COLUMNS + where)) {
            for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
            List<MeshEvent> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new MeshEvent(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getLong(5), rs.getString(6),
                            readData(rs.getString(7)), rs.getString(8)));
                }
            }
            return out;
        }
    }

    static com.fasterxml.jackson.databind.JsonNode readData(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (java.io.IOException e) {
            throw new StoreException("stored event data is not JSON: " + e.getMessage(), e);
        }
    }

    @Override
    public Future<Optional<StateRef>> head(String meshId) {
        return run(() -> queryHead(meshId));
    }

    @Override
    public Future<List<MeshEvent>> events(String meshId, long afterVersion, int limit) {
        return run(() -> queryEvents("WHERE mesh_id = ? AND version > ? ORDER BY version LIMIT ?", meshId, afterVersion, limit));
    }

    @Override
    public Future<Optional<MeshEvent>> event(String meshId, long version) {
        return run(() -> queryEvents("WHERE mesh_id = ? AND version = ?", meshId, version).stream().findFirst());
    }

    @Override
    public Future<List<MeshEvent>> eventsOfKind(String meshId, String kind) {
        return run(() -> queryEvents("WHERE mesh_id = ? AND kind = ? ORDER BY version", meshId, kind));
    }

    @Override
    public Future<Optional<AuthorityKey>> authorityKey(String meshId) {
        return run(() -> queryKeys(meshId, true).stream().findFirst());
    }

    @Override
    public Future<List<AuthorityKey>> authorityKeys(String meshId) {
        return run(() -> queryKeys(meshId, false));
    }

    @Override
    public Future<Boolean> adoptMesh(String meshId, AuthorityKey authority, List<MeshEvent> genesis) {
        return tx(() -> {
            if (queryHead(meshId).isPresent()) return false;
            insertGenesis(meshId, authority, genesis);
            return true;
        });
    }

    /** A ban's delete of the undelivered rows the key sent itself (through {@code message_queue_sender}). */
    public static final String DELETE_SENT_ROWS_SQL = "DELETE FROM message_queue WHERE mesh_id = ? AND sender = ? AND delivered_at IS NULL";

    /** A revocation's delete of the undelivered rows the key sent itself or is to receive (sender and pending indexes). */
    public static final String DELETE_SENT_OR_RECEIVED_ROWS_SQL =
            "DELETE FROM message_queue WHERE mesh_id = ? AND (sender = ? OR recipient = ?) AND delivered_at IS NULL";

    /**
     * With the ban's or revocation's delete of {@code sender = key}: the rows that key's sessions and services queued
     * ({@code sender_member = key}, another sender). The term {@code sender_member <> sender} is the partial index's
     * condition (migration 10), so the delete probes {@code message_queue_session_member}; a member key's own rows
     * (sender = sender_member) are not in that index and are found by the delete on {@code sender}. These three are
     * public for the test that checks their query plans ({@code SqliteQueueIndexMigrationTest}).
     */
    public static final String DELETE_SESSION_ROWS_SQL =
            "DELETE FROM message_queue WHERE mesh_id = ? AND sender_member = ? AND sender_member <> sender AND delivered_at IS NULL";

    // ---- queue ----

    @Override
    public Future<List<Queued.Result>> enqueue(List<Queued.Enqueue> batch, long maxQueuedPerRecipient) {
        return tx(() -> enqueueInTx(batch, maxQueuedPerRecipient, Map.of(), 0));
    }

    /**
     * One transaction for the whole group: on this store every transaction costs a commit on the one writer thread
     * (WAL pages written again for each), and three per relayed message (enqueue, claim, ack) were most of it.
     *
     * <p>The acks go first (no send of the group can be acked in it: its message id is not out yet). A claim whose
     * recipient gets rows in this group then takes its older rows first and the new rows <em>at their insert</em>,
     * written already claimed (up to its limit; the rest are inserted unclaimed and the pump, having got a full batch,
     * claims again): an online recipient's row is written once, not inserted and then rewritten by the claim's update.
     * Rows of a session or service key ({@code sender ≠ sender_member}) or already expired are not taken at their
     * insert: their recipient's claim runs after the inserts as before, with the checks of {@link #SENDER_ALLOWED}.
     */
    @Override
    public Future<Queued.GroupResult> commitGroup(Queued.Group group) {
        return tx(() -> {
            int delivered = group.acks().isEmpty() ? 0 : markDeliveredInTx(group.acks(), group.now());
            Map<String, OpenClaim> open = openClaims(group);
            List<Queued.Result> enqueued = group.enqueues().isEmpty() ? List.of()
                    : enqueueInTx(group.enqueues(), group.maxQueuedPerRecipient(), open, group.now());
            List<List<Queued.Message>> claimed = new ArrayList<>(group.claims().size());
            for (Queued.ClaimRequest c : group.claims()) {
                OpenClaim oc = open.get(c.meshId() + '|' + c.recipient());
                if (oc != null && oc.request == c) {
                    claimed.add(oc.rows);
                } else {
                    claimed.add(claimInTx(c.meshId(), c.recipient(), c.claimId(), c.afterSeq(), c.limit(), group.now(), c.leaseMs()));
                }
            }
            return new Queued.GroupResult(enqueued, delivered, claimed);
        });
    }

    /** A claim of the group that this group's new rows join at their insert; {@code rows} holds its older rows first. */
    private static final class OpenClaim {
        final Queued.ClaimRequest request;
        final List<Queued.Message> rows;
        final long now;

        OpenClaim(Queued.ClaimRequest request, List<Queued.Message> rows, long now) {
            this.request = request;
            this.rows = rows;
            this.now = now;
        }

        boolean hasRoom() {
            return rows.size() < request.limit();
        }
    }

    /**
     * Claims the older rows of every recipient that gets rows in this group from member keys only (one claim per
     * recipient: the first), keyed by mesh|recipient; the new rows join these claims in {@link #enqueueInTx}.
     */
    private Map<String, OpenClaim> openClaims(Queued.Group group) throws SQLException {
        if (group.enqueues().isEmpty() || group.claims().isEmpty()) return Map.of();
        Map<String, Boolean> takeable = new HashMap<>();
        for (Queued.Enqueue e : group.enqueues()) {
            boolean ok = e.sender().equals(e.senderMember()) && e.expiresAt() > group.now();
            takeable.merge(e.meshId() + '|' + e.recipient(), ok, Boolean::logicalAnd);
        }
        Map<String, OpenClaim> open = new HashMap<>();
        for (Queued.ClaimRequest c : group.claims()) {
            String rk = c.meshId() + '|' + c.recipient();
            if (!Boolean.TRUE.equals(takeable.get(rk)) || open.containsKey(rk)) continue;
            List<Queued.Message> older = claimInTx(c.meshId(), c.recipient(), c.claimId(), c.afterSeq(), c.limit(), group.now(), c.leaseMs());
            open.put(rk, new OpenClaim(c, new ArrayList<>(older), group.now()));
        }
        return open;
    }

    @Override
    public boolean commitsGroups() {
        return true;
    }

    /**
     * Statements of the queue's hot path, prepared once: preparing them again in every transaction was 4–8% of the
     * writer thread under relay load. Only the worker thread uses them (and {@link #close}, after the worker).
     */
    private final StatementCache statements;

    private PreparedStatement cached(String sql) throws SQLException {
        return statements.get(sql);
    }

    private static final String FIND_QUEUED_SQL =
            "SELECT message_id, fingerprint FROM message_queue WHERE mesh_id = ? AND sender = ? AND recipient = ? AND client_message_id = ?";
    private static final String DEPTH_SQL = "SELECT COUNT(*) FROM message_queue WHERE mesh_id = ? AND recipient = ? AND delivered_at IS NULL";
    private static final String INSERT_SQL = "INSERT INTO message_queue(message_id, mesh_id, sender, recipient, client_message_id, fingerprint, priority, envelope, created_at, expires_at, sender_member) "
            + "VALUES (?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (mesh_id, sender, recipient, client_message_id) DO NOTHING";

    /** {@link #INSERT_SQL} for a recipient whose claim is in the group: the row is written claimed (attempts 1), its id returned. */
    private static final String INSERT_CLAIMED_SQL = "INSERT INTO message_queue(message_id, mesh_id, sender, recipient, client_message_id, fingerprint, priority, envelope, created_at, expires_at, sender_member, "
            + "claimed_at, claim_id, claim_expires_at, attempts) "
            + "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,1) ON CONFLICT (mesh_id, sender, recipient, client_message_id) DO NOTHING RETURNING id";

    /** Binds the eleven columns {@link #INSERT_SQL} and {@link #INSERT_CLAIMED_SQL} share. */
    private static void bindRow(PreparedStatement insert, Queued.Enqueue e) throws SQLException {
        insert.setString(1, e.messageId());
        insert.setString(2, e.meshId());
        insert.setString(3, e.sender());
        insert.setString(4, e.recipient());
        insert.setString(5, e.clientMessageId());
        insert.setString(6, e.fingerprint());
        insert.setString(7, e.priority());
        insert.setString(8, e.envelopeJson());
        insert.setLong(9, e.createdAt());
        insert.setLong(10, e.expiresAt());
        insert.setString(11, e.senderMember());
    }

    /** The queue row holding this dedupe key, if any ({@link #FIND_QUEUED_SQL}). */
    private static Optional<Queued.Existing> queuedRow(PreparedStatement find, String meshId, String sender, String recipient,
                                                       String clientMessageId) throws SQLException {
        find.setString(1, meshId);
        find.setString(2, sender);
        find.setString(3, recipient);
        find.setString(4, clientMessageId);
        try (ResultSet rs = find.executeQuery()) {
            return rs.next() ? Optional.of(new Queued.Existing(rs.getString(1), rs.getString(2))) : Optional.empty();
        }
    }

    /** Enqueues {@code batch}; a row whose recipient has an {@link OpenClaim} with room is inserted claimed by it. */
    private List<Queued.Result> enqueueInTx(List<Queued.Enqueue> batch, long maxQueuedPerRecipient, Map<String, OpenClaim> open, long claimNow)
            throws SQLException {
        List<Queued.Result> out = new ArrayList<>(batch.size());
        // Per (mesh, member key), read once per group: a map of refusals cached nothing for an active member
        // (computeIfAbsent keeps no null), so the two status queries ran for every send (~7 µs of the writer per message).
        Map<String, MemberFacts> members = new HashMap<>();
        Map<String, Long> incoming = new HashMap<>();
        for (Queued.Enqueue e : batch) incoming.merge(e.meshId() + '|' + e.recipient(), 1L, Long::sum);
        Map<String, Long> depth = new HashMap<>();
        long now = System.currentTimeMillis();
        PreparedStatement member = cached(MEMBER_STATUS_SQL);
        PreparedStatement find = cached(FIND_QUEUED_SQL);
        PreparedStatement count = cached(DEPTH_SQL);
        PreparedStatement insert = cached(INSERT_SQL);
        PreparedStatement insertClaimed = open.isEmpty() ? null : cached(INSERT_CLAIMED_SQL);
        for (Queued.Enqueue e : batch) {
            String rk = e.meshId() + '|' + e.recipient();
            // Membership is decided on the member behind each key (a session's parent, else the key itself).
            Queued.Result refusal = senderRefusal(members.computeIfAbsent(e.meshId() + '|' + e.senderMember(),
                    k -> memberFacts(member, e.meshId(), e.senderMember())).status(e.createdAt()));
            if (refusal == null) {
                refusal = recipientRefusal(members.computeIfAbsent(e.meshId() + '|' + e.recipientMember(),
                        k -> memberFacts(member, e.meshId(), e.recipientMember())).status(e.createdAt()));
            }
            if (refusal != null) {
                out.add(refusal);
                continue;
            }
            // The queue row's key is checked by the insert itself (ON CONFLICT on the unique key): a lookup before every
            // insert was one statement per send for the rare retry. The acknowledged messages' records are another table.
            Optional<Queued.Existing> acked = findDedupe(e.meshId(), e.sender(), e.recipient(), e.clientMessageId());
            if (acked.isPresent()) {
                out.add(acked.get().answer(e.fingerprint()));
                continue;
            }
            Long d = depth.get(rk);
            if (d == null) {
                long cached = depths.get(e.meshId(), e.recipient(), incoming.get(rk), maxQueuedPerRecipient, now);
                if (cached < 0) {
                    count.setString(1, e.meshId());
                    count.setString(2, e.recipient());
                    try (ResultSet rs = count.executeQuery()) {
                        rs.next();
                        cached = rs.getLong(1);
                    }
                    depths.counted(e.meshId(), e.recipient(), cached, now);
                }
                d = cached;
            }
            if (d >= maxQueuedPerRecipient) {
                Optional<Queued.Existing> queued = queuedRow(find, e.meshId(), e.sender(), e.recipient(), e.clientMessageId()); // a retry is answered as such even when full
                out.add(queued.isPresent() ? queued.get().answer(e.fingerprint()) : new Queued.Result.QueueFull(d, maxQueuedPerRecipient));
                depth.put(rk, d);
                continue;
            }
            OpenClaim claim = open.get(rk);
            boolean inserted;
            if (claim != null && claim.hasRoom()) {
                bindRow(insertClaimed, e);
                insertClaimed.setLong(12, claim.now);
                insertClaimed.setString(13, claim.request.claimId());
                insertClaimed.setLong(14, claim.now + claim.request.leaseMs());
                try (ResultSet rs = insertClaimed.executeQuery()) {
                    inserted = rs.next();
                    if (inserted) {
                        claim.rows.add(new Queued.Message(rs.getLong(1), e.messageId(), e.meshId(), e.sender(), e.senderMember(), e.recipient(),
                                e.clientMessageId(), e.envelopeJson(), 1, e.createdAt()));
                    }
                }
            } else {
                bindRow(insert, e);
                inserted = insert.executeUpdate() > 0;
            }
            if (!inserted) {
                Queued.Existing queued = queuedRow(find, e.meshId(), e.sender(), e.recipient(), e.clientMessageId())
                        .orElseThrow(() -> new StoreException("insert of " + e.messageId() + " conflicted, but its key is not queued"));
                out.add(queued.answer(e.fingerprint()));
                continue;
            }
            depth.put(rk, d + 1);
            depths.inserted(e.meshId(), e.recipient(), 1);
            earliestExpiry = Math.min(earliestExpiry, e.expiresAt()); // lowered before the commit: a rollback only makes it lower than needed
            out.add(new Queued.Result.Accepted(e.messageId()));
        }
        return out;
    }

    /** revoked, banned, not a member, expired at {@code now}, or active: {@link MemberStatus}. */
    private static final String MEMBER_STATUS_SQL = "SELECT EXISTS (SELECT 1 FROM revocations WHERE mesh_id = ? AND pubkey = ?), "
            + "EXISTS (SELECT 1 FROM bans WHERE mesh_id = ? AND pubkey = ?), "
            + "(SELECT COUNT(*) FROM members WHERE mesh_id = ? AND pubkey = ?), "
            + "(SELECT expires_at FROM members WHERE mesh_id = ? AND pubkey = ?)";

    /** What {@link #MEMBER_STATUS_SQL} read of one key; {@link #status} applies the expiry at a send's time. */
    private record MemberFacts(boolean revoked, boolean banned, boolean member, Long expiresAt) {
        MemberStatus status(long now) {
            return MemberStatus.of(revoked, banned, member, expiresAt, now);
        }
    }

    private static MemberFacts memberFacts(PreparedStatement ps, String meshId, String pubkey) {
        try {
            for (int i = 0; i < 4; i++) {
                ps.setString(2 * i + 1, meshId);
                ps.setString(2 * i + 2, pubkey);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long exp = rs.getLong(4);
                Long expiresAt = rs.wasNull() ? null : exp;
                return new MemberFacts(rs.getBoolean(1), rs.getBoolean(2), rs.getLong(3) > 0, expiresAt);
            }
        } catch (SQLException ex) {
            throw new StoreException("database error: " + ex.getMessage(), ex);
        }
    }

    static Queued.Result senderRefusal(MemberStatus s) {
        return s == MemberStatus.ACTIVE ? null : new Queued.Result.SenderInactive(s.wire());
    }

    static Queued.Result recipientRefusal(MemberStatus s) {
        return switch (s) {
            case ACTIVE -> null;
            case REVOKED -> new Queued.Result.RecipientRevoked();
            case BANNED -> new Queued.Result.RecipientBanned();
            case NOT_MEMBER -> new Queued.Result.UnknownRecipient();
            case EXPIRED -> new Queued.Result.RecipientExpired();
        };
    }

    @Override
    public Future<Integer> dropQueued(String meshId, List<String> keys, boolean alsoTo) {
        if (keys.isEmpty()) return Future.succeededFuture(0);
        return tx(() -> {
            int n = 0;
            for (String k : keys) {
                n += alsoTo ? update(DELETE_SENT_OR_RECEIVED_ROWS_SQL, meshId, k, k) : update(DELETE_SENT_ROWS_SQL, meshId, k);
            }
            return n;
        });
    }

    @Override
    public Future<Optional<Queued.Existing>> findQueued(String meshId, String sender, String recipient, String clientMessageId) {
        return run(() -> {
            Optional<Queued.Existing> queued = queuedRow(cached(FIND_QUEUED_SQL), meshId, sender, recipient, clientMessageId);
            return queued.isPresent() ? queued : findDedupe(meshId, sender, recipient, clientMessageId);
        });
    }

    private static final String FIND_DEDUPE_SQL = "SELECT message_id, fingerprint FROM message_dedupe WHERE key = ?";

    /**
     * The narrow record an acknowledged message left (docs/storage.md "Delivered messages"): a recent one (not merged
     * yet), else the one in {@code message_dedupe}.
     */
    private Optional<Queued.Existing> findDedupe(String meshId, String sender, String recipient, String clientMessageId) throws SQLException {
        byte[] key = DedupeRecord.key(meshId, sender, recipient, clientMessageId);
        Optional<Queued.Existing> recentRecord = recent.find(cached(RecentDedupe.FIND_SQL), key);
        if (recentRecord.isPresent()) return recentRecord;
        PreparedStatement ps = cached(FIND_DEDUPE_SQL);
        ps.setBytes(1, key);
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(DedupeRecord.existing(rs.getBytes(1), rs.getBytes(2))) : Optional.empty();
        }
    }

    /**
     * A claim never hands out rows whose sender key or sender member is banned or revoked (the ban/revoke also deletes
     * them; this closes the race), nor rows a session or service queued for a member that is no longer one (left:
     * nothing deletes those; they expire). The member is the row's {@code sender_member}, recorded at enqueue, so this
     * holds for a session that disconnected before its parent was banned (docs/protocol.md §6.3, "Queue").
     */
    static final String SENDER_ALLOWED = "AND NOT EXISTS (SELECT 1 FROM bans b WHERE b.mesh_id = message_queue.mesh_id "
            + "AND b.pubkey IN (message_queue.sender, message_queue.sender_member)) "
            + "AND NOT EXISTS (SELECT 1 FROM revocations r WHERE r.mesh_id = message_queue.mesh_id "
            + "AND r.pubkey IN (message_queue.sender, message_queue.sender_member)) "
            + "AND (message_queue.sender_member = message_queue.sender OR EXISTS (SELECT 1 FROM members mm "
            + "WHERE mm.mesh_id = message_queue.mesh_id AND mm.pubkey = message_queue.sender_member))";

    @Override
    public Future<List<Queued.Message>> claim(String meshId, String recipient, String claimId, long afterSeq, int limit, long now, long leaseMs) {
        return tx(() -> claimInTx(meshId, recipient, claimId, afterSeq, limit, now, leaseMs));
    }

    /** A pump's claim without its LIMIT ({@link StatementCache#getLimited}); public for the test that checks its plan (SqliteQueueIndexMigrationTest). */
    public static final String CLAIM_SQL = "SELECT id, message_id, sender, client_message_id, envelope, attempts, created_at, sender_member FROM message_queue "
            + "WHERE mesh_id = ? AND recipient = ? AND delivered_at IS NULL AND id > ? AND expires_at > ? "
            + "AND (claim_id IS NULL OR claim_id <> ? OR claim_expires_at <= ?) " + SENDER_ALLOWED + " ORDER BY id";
    private static final String CLAIM_ROW_SQL = "UPDATE message_queue SET claimed_at = ?, claim_id = ?, claim_expires_at = ?, attempts = attempts + 1 WHERE id = ?";

    private List<Queued.Message> claimInTx(String meshId, String recipient, String claimId, long afterSeq, int limit, long now, long leaseMs)
            throws SQLException {
        List<Queued.Message> out = new ArrayList<>();
        if (limit < 1) return out;
        PreparedStatement ps = statements.getLimited(CLAIM_SQL, limit); // its LIMIT in the text: a bound one re-prepares
        ps.setString(1, meshId);
        ps.setString(2, recipient);
        ps.setLong(3, afterSeq);
        ps.setLong(4, now);
        ps.setString(5, claimId);
        ps.setLong(6, now);
        try (ResultSet rs = ps.executeQuery()) {
            while (out.size() < limit && rs.next()) {
                out.add(new Queued.Message(rs.getLong(1), rs.getString(2), meshId, rs.getString(3), rs.getString(8), recipient,
                        rs.getString(4), rs.getString(5), rs.getInt(6) + 1, rs.getLong(7)));
            }
        }
        if (out.isEmpty()) return out;
        // One cached statement per row: an IN list of the batch's size was a new statement to prepare for each size.
        PreparedStatement update = cached(CLAIM_ROW_SQL);
        update.setLong(1, now);
        update.setString(2, claimId);
        update.setLong(3, now + leaseMs);
        for (Queued.Message m : out) {
            update.setLong(4, m.seq());
            update.executeUpdate();
        }
        out.sort(Comparator.comparingLong(Queued.Message::seq));
        return out;
    }

    /**
     * An ack moves the row out of the queue: the narrow dedupe record is appended to {@code message_dedupe_recent}
     * ({@link RecentDedupe}, merged into {@code message_dedupe} later) and the row (ciphertext, keys, indexes) is deleted,
     * in one transaction (docs/storage.md "Delivered messages", "Recent dedupe records").
     */
    @Override
    public Future<Integer> markDelivered(List<Queued.AckRef> acks, long now) {
        if (acks.isEmpty()) return Future.succeededFuture(0);
        return tx(() -> markDeliveredInTx(acks, now));
    }

    /** The acked row leaves the queue and tells, in the same statement, what its dedupe record needs (was a select, then a delete by id). */
    private static final String ACKED_ROW_SQL = "DELETE FROM message_queue WHERE message_id = ? AND mesh_id = ? AND recipient = ? AND delivered_at IS NULL "
            + "RETURNING sender, client_message_id, fingerprint";

    private int markDeliveredInTx(List<Queued.AckRef> acks, long now) throws SQLException {
        int n = 0;
        PreparedStatement delete = cached(ACKED_ROW_SQL);
        PreparedStatement keep = cached(RecentDedupe.INSERT_SQL);
        recentTouched = true;
        for (Queued.AckRef a : acks) {
            delete.setString(1, a.messageId());
            delete.setString(2, a.meshId());
            delete.setString(3, a.recipient());
            byte[] key;
            byte[] fingerprint;
            try (ResultSet rs = delete.executeQuery()) {
                if (!rs.next()) continue;
                key = DedupeRecord.key(a.meshId(), rs.getString(1), a.recipient(), rs.getString(2));
                fingerprint = DedupeRecord.fingerprint(rs.getString(3));
            }
            // After the delete's statement is reset (the result set closed): its step must run to completion first.
            recent.add(keep, key, DedupeRecord.messageId(a.messageId()), fingerprint, now);
            n++;
        }
        // The acks' records were appended; a merge in progress moves its next slice into message_dedupe with them.
        Runnable merged = recent.mergeStep(conn, cached(RecentDedupe.MOVE_SQL), n);
        if (merged != null) afterCommit.add(merged);
        afterCommit.add(recent::maybeStartMerge);
        return n;
    }

    /**
     * The sweep's last step, replacing a plain count of undelivered rows: the same rows (all unexpired, as the
     * same transaction just deleted the expired ones), grouped by who may claim them. Its cost follows the
     * number of undelivered rows, not the number of connected members (message_queue_pending serves the scan).
     */
    static final String PENDING_SQL = "SELECT mesh_id, recipient, claim_id, COUNT(*), MIN(expires_at) FROM message_queue WHERE delivered_at IS NULL "
            + "GROUP BY mesh_id, recipient, claim_id";

    /**
     * No undelivered row expires before this (epoch ms): the last sweep's {@code MIN(expires_at)} over the rows it
     * grouped (read from the rows that scan visits anyway), lowered by every insert since. Migration 10 dropped the index
     * on {@code expires_at} (an entry written and removed per relayed message), so the sweep's expiry delete is a scan of
     * the queue; it runs only when some row can have expired by now — exactly the sweeps that would delete something.
     * {@link Long#MIN_VALUE} (unknown) until the first sweep. One coordinator per SQLite file: no other writer inserts.
     * Worker thread only.
     */
    private long earliestExpiry = Long.MIN_VALUE;

    /** The next slice of {@code message_dedupe}'s key space the sweeper prunes (only the worker thread touches it). */
    private int pruneSlice;

    @Override
    public Future<Queued.SweepResult> sweep(long now, long deliveredRetentionMs) {
        return tx(() -> {
            int expired;
            int released;
            int pruned;
            // A scan of the queue (only undelivered rows live there since migration 6), when a row can have expired
            // (earliestExpiry): migration 10 dropped the index on expires_at, an entry written and removed per message.
            if (earliestExpiry <= now) {
                try (PreparedStatement ps = conn.prepareStatement("DELETE FROM message_queue WHERE delivered_at IS NULL AND expires_at <= ?")) {
                    ps.setLong(1, now);
                    expired = ps.executeUpdate();
                }
            } else {
                expired = 0;
            }
            try (PreparedStatement ps = conn.prepareStatement(
                    "UPDATE message_queue SET claimed_at = NULL, claim_id = NULL, claim_expires_at = NULL WHERE delivered_at IS NULL AND claim_expires_at <= ?")) {
                ps.setLong(1, now);
                released = ps.executeUpdate();
            }
            try (PreparedStatement ps = conn.prepareStatement("DELETE FROM message_queue WHERE delivered_at IS NOT NULL AND delivered_at <= ?")) {
                ps.setLong(1, now - deliveredRetentionMs);
                pruned = ps.executeUpdate(); // rows delivered before migration 6
            }
            int slice = pruneSlice;
            pruneSlice = (slice + 1) % DedupeRecord.PRUNE_SLICES;
            byte[] end = DedupeRecord.sliceEnd(slice);
            try (PreparedStatement ps = conn.prepareStatement("DELETE FROM message_dedupe WHERE key >= ? "
                    + (end == null ? "" : "AND key < ? ") + "AND delivered_at <= ?")) {
                ps.setBytes(1, DedupeRecord.sliceStart(slice));
                if (end != null) ps.setBytes(2, end);
                ps.setLong(end == null ? 2 : 3, now - deliveredRetentionMs);
                pruned += ps.executeUpdate();
            }
            if (slice == 0 && recent.size() > 0) {
                // Recent records outlive the retention only where acks are rare (a generation is merged after
                // RecentDedupe.DEFAULT_MERGE_AT of them): a scan of that small table once per round of slices. The map
                // keeps their keys until the next merge; a lookup of a pruned one finds no row and looks further.
                try (PreparedStatement ps = conn.prepareStatement("DELETE FROM message_dedupe_recent WHERE delivered_at <= ?")) {
                    ps.setLong(1, now - deliveredRetentionMs);
                    pruned += ps.executeUpdate();
                }
            }
            long depth = 0;
            long earliest = Long.MAX_VALUE;
            List<Queued.Pending> pending = new ArrayList<>();
            try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(PENDING_SQL)) {
                while (rs.next()) {
                    pending.add(new Queued.Pending(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4)));
                    depth += rs.getLong(4);
                    earliest = Math.min(earliest, rs.getLong(5));
                }
            }
            long scanned = earliest;
            afterCommit.add(() -> earliestExpiry = scanned); // only once committed: a rolled-back sweep deleted nothing
            return new Queued.SweepResult(expired, released, pruned, depth, pending);
        });
    }

    @Override
    public Future<Long> queueDepth(String meshId, String recipient) {
        return run(() -> {
            try (PreparedStatement ps = conn.prepareStatement("SELECT COUNT(*) FROM message_queue WHERE mesh_id = ? AND recipient = ? AND delivered_at IS NULL")) {
                ps.setString(1, meshId);
                ps.setString(2, recipient);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        worker.close();
        try (Connection c = conn) {
            statements.close();
        } catch (SQLException e) {
            LOG.warn("closing the database failed: {}", e.getMessage());
        } finally {
            if (fileLock != null) fileLock.close(); // after the connection: the next owner finds the WAL at rest
        }
    }
}
