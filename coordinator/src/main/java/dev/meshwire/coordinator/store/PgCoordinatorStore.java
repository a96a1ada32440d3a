package dev.meshwire.coordinator.store;

import dev.meshwire.signaling.envelope.CanonicalJson;
import dev.meshwire.signaling.meshstate.MeshEvent;
import dev.meshwire.signaling.meshstate.StateRef;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link CoordinatorStore} on PostgreSQL through vertx-pg-client (non-blocking; no JDBC). Several
 * coordinators may share one database: migrations run under an advisory lock, claims use
 * {@code FOR UPDATE SKIP LOCKED}, and every queue batch is one transaction of a few set-based statements
 * (arrays via {@code unnest}), so its cost does not grow with round trips per row.
 */
public final class PgCoordinatorStore implements CoordinatorStore {
    private static final Logger LOG = LoggerFactory.getLogger(PgCoordinatorStore.class);
    private static final long MIGRATION_LOCK = 0x6d65736877697265L; // "meshwire"
    private static final String UNIQUE_VIOLATION = "23505";

    private final Pool pool;
    private final DepthCache depths = new DepthCache();
    private volatile boolean closed;

    private final TopicHistory topicHistory;

    private PgCoordinatorStore(Pool pool) {
        this.pool = pool;
        this.topicHistory = new PgTopicHistory(work -> guard(work::apply));
    }

    @Override
    public TopicHistory topicHistory() {
        return topicHistory;
    }

    /**
     * Accepts {@code postgresql://user[:password]@host[:port]/db[?...]}, {@code postgres://...} and
     * {@code jdbc:postgresql://...}. The password may also come from {@code PGPASSWORD}.
     */
    public static PgConnectOptions connectOptions(String url) {
        String u = url.startsWith("jdbc:") ? url.substring(5) : url;
        if (u.startsWith("postgres://")) u = "postgresql://" + u.substring("postgres://".length());
        PgConnectOptions o = PgConnectOptions.fromUri(u);
        String pw = System.getenv("PGPASSWORD");
        if ((o.getPassword() == null || o.getPassword().isEmpty()) && pw != null) o.setPassword(pw);
        return o.setCachePreparedStatements(true).setPreparedStatementCacheMaxSize(256);
    }

    public static boolean isPostgresUrl(String url) {
        return url != null && (url.startsWith("postgresql://") || url.startsWith("postgres://") || url.startsWith("jdbc:postgresql://"));
    }

    /** Connects, applies pending migrations and returns the store; blocks the calling thread (start-up). */
    public static PgCoordinatorStore open(Vertx vertx, String url, int poolSize) {
        Pool pool = PgBuilder.pool()
                .with(new PoolOptions().setMaxSize(poolSize))
                .connectingTo(connectOptions(url))
                .using(vertx)
                .build();
        try {
            migrate(pool).await(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            pool.close();
            throw new StoreException("PostgreSQL at " + url.replaceAll("//[^@/]*@", "//") + ": " + e.getMessage(), e);
        }
        return new PgCoordinatorStore(pool);
    }

    static Future<Integer> migrate(Pool pool) {
        return pool.withConnection(conn -> conn.query("SELECT pg_advisory_lock(" + MIGRATION_LOCK + ")").execute()
                .compose(x -> conn.query("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at BIGINT NOT NULL)").execute())
                .compose(x -> currentVersion(conn))
                .compose(current -> {
                    if (current > Migration.latestVersion()) {
                        return Future.failedFuture(new StoreException("database schema version " + current
                                + " is newer than this coordinator (" + Migration.latestVersion() + "); upgrade the coordinator"));
                    }
                    Future<Void> chain = Future.succeededFuture();
                    for (Migration m : Migration.ALL) {
                        if (m.version() <= current) continue;
                        chain = chain.compose(v -> applyMigration(conn, m));
                    }
                    return chain.map(v -> Migration.latestVersion());
                })
                .eventually(() -> conn.query("SELECT pg_advisory_unlock(" + MIGRATION_LOCK + ")").execute()));
    }

    private static Future<Void> applyMigration(SqlConnection conn, Migration m) {
        return conn.begin().compose(tx -> {
            Future<?> f = Future.succeededFuture();
            for (String sql : m.statements(Migration.Dialect.POSTGRES)) f = f.compose(x -> conn.query(sql).execute());
            return f.compose(x -> conn.preparedQuery("INSERT INTO schema_version(version, description, applied_at) VALUES ($1,$2,$3)")
                            .execute(Tuple.of(m.version(), m.description(), System.currentTimeMillis())))
                    .compose(x -> tx.commit())
                    .onSuccess(x -> LOG.info("applied schema migration {} ({})", m.version(), m.description()))
                    .recover(err -> tx.rollback().transform(r -> Future.failedFuture(err)));
        });
    }

    private static Future<Integer> currentVersion(SqlConnection conn) {
        return conn.query("SELECT COALESCE(MAX(version), 0) FROM schema_version").execute().map(rs -> rs.iterator().next().getInteger(0));
    }

    /** Builds a tuple element by element: {@code Tuple.of(Object...)} would spread a lone array argument. */
    private static Tuple arrays(Object... values) {
        Tuple t = Tuple.tuple();
        for (Object v : values) t.addValue(v);
        return t;
    }

    private <T> Future<T> guard(Function<Pool, Future<T>> work) {
        if (closed) return Future.failedFuture(new StoreException("store is closed"));
        return work.apply(pool).recover(err -> Future.failedFuture(err instanceof StoreException ? err
                : new StoreException("database error: " + err.getMessage(), err)));
    }

    private <T> Future<T> tx(Function<SqlConnection, Future<T>> work) {
        return guard(p -> p.withTransaction(work));
    }

    private static <T> Optional<T> first(RowSet<Row> rs, Function<Row, T> f) {
        var it = rs.iterator();
        return it.hasNext() ? Optional.of(f.apply(it.next())) : Optional.empty();
    }

    @Override
    public Future<Integer> schemaVersion() {
        return guard(p -> p.query("SELECT COALESCE(MAX(version), 0) FROM schema_version").execute().compose(rs -> {
            int v = rs.iterator().next().getInteger(0);
            if (v != Migration.latestVersion()) return Future.failedFuture(new StoreException("schema version " + v + ", expected " + Migration.latestVersion()));
            return Future.succeededFuture(v);
        }));
    }

    // ---- meshes, members, bans ----

    @Override
    public Future<MeshRecord> createMesh(MeshRecord mesh, MemberRecord owner, AuthorityKey authority, List<MeshEvent> genesis) {
        return tx(conn -> conn.preparedQuery("INSERT INTO meshes(id, name, owner_pubkey, created_at) VALUES ($1,$2,$3,$4)")
                        .execute(Tuple.of(mesh.id(), mesh.name(), mesh.ownerPubkey(), mesh.createdAt()))
                        .compose(x -> insertMember(conn, owner))
                        .compose(x -> insertGenesis(conn, mesh.id(), authority, genesis))
                        .map(x -> mesh))
                .recover(err -> {
                    Throwable c = err.getCause() != null ? err.getCause() : err;
                    if (c instanceof PgException pe && UNIQUE_VIOLATION.equals(pe.getSqlState()) && String.valueOf(pe.getConstraint()).contains("name")) {
                        return Future.failedFuture(new StoreException.DuplicateMeshName(mesh.name()));
                    }
                    return Future.failedFuture(err);
                });
    }

    private static Future<RowSet<Row>> insertMember(SqlConnection conn, MemberRecord m) {
        return conn.preparedQuery("INSERT INTO members(mesh_id, pubkey, name, role, joined_at, expires_at) VALUES ($1,$2,$3,$4,$5,$6)")
                .execute(Tuple.of(m.meshId(), m.pubkey(), m.name(), m.role(), m.joinedAt(), m.expiresAt()));
    }

    private static Future<Void> insertGenesis(SqlConnection conn, String meshId, AuthorityKey authority, List<MeshEvent> genesis) {
        if (genesis.isEmpty()) return Future.failedFuture(new StoreException("a mesh needs at least its genesis event"));
        Future<?> f = insertAuthorityKey(conn, authority);
        for (MeshEvent e : genesis) f = f.compose(x -> insertEvent(conn, e));
        StateRef head = genesis.get(genesis.size() - 1).ref();
        return f.compose(x -> conn.preparedQuery("INSERT INTO mesh_heads(mesh_id, version, hash) VALUES ($1,$2,$3)")
                .execute(Tuple.of(meshId, head.version(), head.head()))).mapEmpty();
    }

    private static Future<RowSet<Row>> insertAuthorityKey(SqlConnection conn, AuthorityKey k) {
        return conn.preparedQuery("INSERT INTO authority_keys(mesh_id, public_key, secret_key, created_at, retired_at) VALUES ($1,$2,$3,$4,$5)")
                .execute(Tuple.of(k.meshId(), k.publicKey(), k.secretKey(), k.createdAt(), k.retiredAt()));
    }

    private static Future<RowSet<Row>> insertEvent(SqlConnection conn, MeshEvent e) {
        return conn.preparedQuery("INSERT INTO mesh_events(mesh_id, version, hash, prev, kind, at, actor, data, signature) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)")
                .execute(arrays(e.mesh(), e.version(), e.hash(), e.prev(), e.kind(), e.at(), e.actor(), CanonicalJson.write(e.data()), e.signature()));
    }

    @Override
    public Future<Optional<MeshRecord>> findMesh(String meshId) {
        return guard(p -> p.preparedQuery("SELECT id, name, owner_pubkey, created_at FROM meshes WHERE id = $1").execute(Tuple.of(meshId))
                .map(rs -> first(rs, r -> new MeshRecord(r.getString(0), r.getString(1), r.getString(2), r.getLong(3)))));
    }

    private static final String MEMBER_COLUMNS = "SELECT mesh_id, pubkey, name, role, joined_at, expires_at FROM members ";

    private static MemberRecord member(Row r) {
        return new MemberRecord(r.getString(0), r.getString(1), r.getString(2), r.getString(3), r.getLong(4), r.getLong(5));
    }

    private static Future<Optional<MemberRecord>> queryMember(io.vertx.sqlclient.SqlClient c, String where, String meshId, String value) {
        return c.preparedQuery(MEMBER_COLUMNS + where).execute(Tuple.of(meshId, value)).map(rs -> first(rs, PgCoordinatorStore::member));
    }

    @Override
    public Future<Optional<MemberRecord>> findMember(String meshId, String pubkey) {
        return guard(p -> queryMember(p, "WHERE mesh_id = $1 AND pubkey = $2", meshId, pubkey));
    }

    @Override
    public Future<Optional<MemberRecord>> findMemberByName(String meshId, String name) {
        return guard(p -> queryMember(p, "WHERE mesh_id = $1 AND name = $2", meshId, name));
    }

    @Override
    public Future<List<MemberRecord>> listMembers(String meshId) {
        return guard(p -> p.preparedQuery(MEMBER_COLUMNS + "WHERE mesh_id = $1 "
                        + "AND NOT EXISTS (SELECT 1 FROM bans b WHERE b.mesh_id = members.mesh_id AND b.pubkey = members.pubkey) "
                        + "AND NOT EXISTS (SELECT 1 FROM revocations r WHERE r.mesh_id = members.mesh_id AND r.pubkey = members.pubkey) "
                        + "ORDER BY joined_at, name").execute(Tuple.of(meshId))
                .map(rs -> {
                    List<MemberRecord> out = new ArrayList<>();
                    for (Row r : rs) out.add(member(r));
                    return out;
                }));
    }

    @Override
    public Future<JoinResult> joinWithInvite(String inviteId, int maxUses, MemberRecord candidate, EventSealer joined) {
        // The invite row is locked (SELECT ... FOR UPDATE after an upsert) so concurrent joins on several
        // coordinators count uses one at a time; a refusal rolls the whole transaction back.
        return tx(conn -> queryMember(conn, "WHERE mesh_id = $1 AND pubkey = $2", candidate.meshId(), candidate.pubkey()).compose(existing -> {
            if (existing.isPresent()) return Future.succeededFuture((JoinResult) new JoinResult.Joined(existing.get(), true, null));
            return queryMember(conn, "WHERE mesh_id = $1 AND name = $2", candidate.meshId(), candidate.name()).compose(byName -> {
                if (byName.isPresent()) return Future.succeededFuture((JoinResult) new JoinResult.NameTaken(candidate.name()));
                return conn.preparedQuery("INSERT INTO invite_uses(mesh_id, invite_id, uses) VALUES ($1,$2,0) ON CONFLICT (mesh_id, invite_id) DO NOTHING")
                        .execute(Tuple.of(candidate.meshId(), inviteId))
                        .compose(x -> conn.preparedQuery("UPDATE invite_uses SET uses = uses + 1 WHERE mesh_id = $1 AND invite_id = $2 AND uses < $3")
                                .execute(Tuple.of(candidate.meshId(), inviteId, maxUses)))
                        .compose(upd -> {
                            if (upd.rowCount() == 0) return Future.failedFuture(new Exhausted(maxUses));
                            return insertMember(conn, candidate)
                                    .compose(x -> appendInTx(conn, candidate.meshId(), joined, new MeshEffect.None()))
                                    .map(a -> (JoinResult) new JoinResult.Joined(candidate, false, a.event()));
                        });
            });
        })).recover(err -> err instanceof Exhausted || err.getCause() instanceof Exhausted
                ? Future.succeededFuture(new JoinResult.Exhausted(maxUses)) : Future.failedFuture(err));
    }

    /** Signals a spent invite out of the transaction so that it rolls back. */
    private static final class Exhausted extends StoreException {
        Exhausted(int maxUses) {
            super("invite exhausted (" + maxUses + ")");
        }
    }

    private static BanRecord ban(Row r) {
        return new BanRecord(r.getString(0), r.getString(1), r.getString(2), r.getLong(3), r.getString(4));
    }

    @Override
    public Future<Optional<BanRecord>> findBan(String meshId, String pubkey) {
        return guard(p -> p.preparedQuery("SELECT mesh_id, pubkey, name, banned_at, banned_by FROM bans WHERE mesh_id = $1 AND pubkey = $2")
                .execute(Tuple.of(meshId, pubkey)).map(rs -> first(rs, PgCoordinatorStore::ban)));
    }

    @Override
    public Future<List<BanRecord>> listBans(String meshId) {
        return guard(p -> p.preparedQuery("SELECT mesh_id, pubkey, name, banned_at, banned_by FROM bans WHERE mesh_id = $1 ORDER BY banned_at")
                .execute(Tuple.of(meshId)).map(rs -> {
                    List<BanRecord> out = new ArrayList<>();
                    for (Row r : rs) out.add(ban(r));
                    return out;
                }));
    }

    @Override
    public Future<Optional<RevocationRecord>> findRevocation(String meshId, String pubkey) {
        return guard(p -> p.preparedQuery("SELECT mesh_id, pubkey, revoked_at, revoked_by, reason FROM revocations WHERE mesh_id = $1 AND pubkey = $2")
                .execute(Tuple.of(meshId, pubkey))
                .map(rs -> first(rs, r -> new RevocationRecord(r.getString(0), r.getString(1), r.getLong(2), r.getString(3), r.getString(4)))));
    }

    // ---- mesh state ----

    @Override
    public Future<Appended> append(String meshId, EventSealer sealer, MeshEffect effect) {
        return tx(conn -> appendInTx(conn, meshId, sealer, effect));
    }

    /**
     * One append inside the caller's transaction. {@code SELECT ... FOR UPDATE} on the mesh's head row
     * serializes appends of one mesh across every coordinator sharing the database: the second waits for
     * the first to commit and then reads the new head, so versions are gap-free and never forked.
     */
    private static Future<Appended> appendInTx(SqlConnection conn, String meshId, EventSealer sealer, MeshEffect effect) {
        return conn.preparedQuery("SELECT version, hash FROM mesh_heads WHERE mesh_id = $1 FOR UPDATE").execute(Tuple.of(meshId))
                .compose(rs -> {
                    Optional<StateRef> head = first(rs, r -> new StateRef(r.getLong(0), r.getString(1)));
                    if (head.isEmpty()) return Future.failedFuture(new StoreException.NoMeshState(meshId));
                    return queryKeys(conn, meshId, true).compose(keys -> {
                        if (keys.isEmpty()) return Future.failedFuture(new StoreException.NoMeshState(meshId));
                        StateRef h = head.get();
                        MeshEvent e;
                        try {
                            e = sealer.seal(h, keys.get(0));
                        } catch (RuntimeException ex) {
                            return Future.failedFuture(ex);
                        }
                        if (e.version() != h.version() + 1 || !h.head().equals(e.prev()) || !meshId.equals(e.mesh())) {
                            return Future.failedFuture(new StoreException("event v" + e.version() + " does not follow the head v" + h.version()
                                    + " of mesh " + meshId));
                        }
                        return applyEffect(conn, meshId, effect, e.at())
                                .compose(dropped -> insertEvent(conn, e)
                                        .compose(x -> conn.preparedQuery("UPDATE mesh_heads SET version = $1, hash = $2 WHERE mesh_id = $3")
                                                .execute(Tuple.of(e.version(), e.hash(), meshId)))
                                        .map(x -> new Appended(e, dropped)));
                    });
                });
    }

    private static Future<Integer> update(SqlConnection conn, String sql, Object... args) {
        return conn.preparedQuery(sql).execute(arrays(args)).map(RowSet::rowCount);
    }

    /** Applies {@code effect}; the future carries the number of queue rows it deleted. */
    private static Future<Integer> applyEffect(SqlConnection conn, String meshId, MeshEffect effect, long at) {
        if (effect instanceof MeshEffect.None) {
            return Future.succeededFuture(0);
        } else if (effect instanceof MeshEffect.RemoveMember r) {
            return update(conn, "DELETE FROM members WHERE mesh_id = $1 AND pubkey = $2", meshId, r.pubkey()).map(x -> 0);
        } else if (effect instanceof MeshEffect.Rename r) {
            return conn.preparedQuery("SELECT 1 FROM members WHERE mesh_id = $1 AND name = $2 AND pubkey <> $3").execute(Tuple.of(meshId, r.name(), r.pubkey()))
                    .compose(rs -> rs.size() > 0 ? Future.failedFuture(new StoreException.NameTaken(r.name()))
                            : update(conn, "UPDATE members SET name = $1 WHERE mesh_id = $2 AND pubkey = $3", r.name(), meshId, r.pubkey()).map(x -> 0));
        } else if (effect instanceof MeshEffect.Ban b) {
            BanRecord ban = b.ban();
            return update(conn, "INSERT INTO bans(mesh_id, pubkey, name, banned_at, banned_by) VALUES ($1,$2,$3,$4,$5) "
                            + "ON CONFLICT (mesh_id, pubkey) DO UPDATE SET name = excluded.name, banned_at = excluded.banned_at, banned_by = excluded.banned_by",
                    meshId, ban.pubkey(), ban.name(), ban.bannedAt(), ban.bannedBy())
                    .compose(x -> update(conn, "DELETE FROM message_queue WHERE mesh_id = $1 AND (sender = $2 OR sender_member = $2) AND delivered_at IS NULL",
                            meshId, ban.pubkey()));
        } else if (effect instanceof MeshEffect.Unban u) {
            return update(conn, "DELETE FROM bans WHERE mesh_id = $1 AND pubkey = $2", meshId, u.pubkey()).map(x -> 0);
        } else if (effect instanceof MeshEffect.Revoke r) {
            RevocationRecord rv = r.revocation();
            return update(conn, "INSERT INTO revocations(mesh_id, pubkey, revoked_at, revoked_by, reason) VALUES ($1,$2,$3,$4,$5) ON CONFLICT (mesh_id, pubkey) DO NOTHING",
                    meshId, rv.pubkey(), rv.revokedAt(), rv.revokedBy(), rv.reason())
                    .compose(x -> update(conn, "DELETE FROM message_queue WHERE mesh_id = $1 AND (sender = $2 OR recipient = $2 OR sender_member = $2) "
                            + "AND delivered_at IS NULL", meshId, rv.pubkey()));
        } else if (effect instanceof MeshEffect.SetRole r) {
            return update(conn, "UPDATE members SET role = $1 WHERE mesh_id = $2 AND pubkey = $3", r.role(), meshId, r.pubkey()).map(x -> 0);
        } else if (effect instanceof MeshEffect.SetExpiry x) {
            return update(conn, "UPDATE members SET expires_at = $1 WHERE mesh_id = $2 AND pubkey = $3", x.expiresAt(), meshId, x.pubkey()).map(y -> 0);
        } else if (effect instanceof MeshEffect.RotateAuthority r) {
            return update(conn, "UPDATE authority_keys SET retired_at = $1 WHERE mesh_id = $2 AND retired_at IS NULL", at, meshId)
                    .compose(x -> insertAuthorityKey(conn, r.next())).map(x -> 0);
        }
        return Future.failedFuture(new IllegalArgumentException("unknown effect " + effect));
    }

    private static Future<List<AuthorityKey>> queryKeys(io.vertx.sqlclient.SqlClient c, String meshId, boolean currentOnly) {
        return c.preparedQuery("SELECT mesh_id, public_key, secret_key, created_at, retired_at FROM authority_keys WHERE mesh_id = $1"
                        + (currentOnly ? " AND retired_at IS NULL" : "") + " ORDER BY created_at, retired_at IS NULL")
                .execute(Tuple.of(meshId)).map(rs -> {
                    List<AuthorityKey> out = new ArrayList<>();
                    for (Row r : rs) out.add(new AuthorityKey(r.getString(0), r.getString(1), r.getString(2), r.getLong(3), r.getLong(4)));
                    return out;
                });
    }

    private static final String EVENT_COLUMNS = "SELECT mesh_id, version, prev, kind, at, actor, data, signature FROM mesh_events ";

    private Future<List<MeshEvent>> queryEvents(String where, Tuple args) {
        return guard(p -> p.preparedQuery(EVENT_COLUMNS + where).execute(args).map(rs -> {
            List<MeshEvent> out = new ArrayList<>();
            for (Row r : rs) {
                out.add(new MeshEvent(r.getString(0), r.getLong(1), r.getString(2), r.getString(3), r.getLong(4), r.getString(5),
                        SqliteCoordinatorStore.readData(r.getString(6)), r.getString(7)));
            }
            return out;
        }));
    }

    @Override
    public Future<Optional<StateRef>> head(String meshId) {
        return guard(p -> p.preparedQuery("SELECT version, hash FROM mesh_heads WHERE mesh_id = $1").execute(Tuple.of(meshId))
                .map(rs -> first(rs, r -> new StateRef(r.getLong(0), r.getString(1)))));
    }

    @Override
    public Future<List<MeshEvent>> events(String meshId, long afterVersion, int limit) {
        return queryEvents("WHERE mesh_id = $1 AND version > $2 ORDER BY version LIMIT $3", Tuple.of(meshId, afterVersion, limit));
    }

    @Override
    public Future<Optional<MeshEvent>> event(String meshId, long version) {
        return queryEvents("WHERE mesh_id = $1 AND version = $2", Tuple.of(meshId, version)).map(l -> l.stream().findFirst());
    }

    @Override
    public Future<List<MeshEvent>> eventsOfKind(String meshId, String kind) {
        return queryEvents("WHERE mesh_id = $1 AND kind = $2 ORDER BY version", Tuple.of(meshId, kind));
    }

    @Override
    public Future<Optional<AuthorityKey>> authorityKey(String meshId) {
        return guard(p -> queryKeys(p, meshId, true)).map(l -> l.stream().findFirst());
    }

    @Override
    public Future<List<AuthorityKey>> authorityKeys(String meshId) {
        return guard(p -> queryKeys(p, meshId, false));
    }

    @Override
    public Future<Boolean> adoptMesh(String meshId, AuthorityKey authority, List<MeshEvent> genesis) {
        // The meshes row is locked so that two coordinators adopting the same mesh at once do it one after the other.
        return tx(conn -> conn.preparedQuery("SELECT id FROM meshes WHERE id = $1 FOR UPDATE").execute(Tuple.of(meshId))
                .compose(x -> conn.preparedQuery("SELECT 1 FROM mesh_heads WHERE mesh_id = $1").execute(Tuple.of(meshId)))
                .compose(rs -> rs.size() > 0 ? Future.succeededFuture(false)
                        : insertGenesis(conn, meshId, authority, genesis).map(x -> true)));
    }

    // ---- queue ----

    private static final String ENQUEUE_SQL =
            "INSERT INTO message_queue(message_id, mesh_id, sender, recipient, client_message_id, fingerprint, priority, envelope, created_at, expires_at, sender_member) "
                    + "SELECT m, g, s, r, c, f, p, e, ca, ea, sm FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::bigint[], $10::bigint[], $11::text[]) "
                    + "WITH ORDINALITY AS t(m, g, s, r, c, f, p, e, ca, ea, sm, ord) ORDER BY ord "
                    + "ON CONFLICT (mesh_id, sender, recipient, client_message_id) DO NOTHING RETURNING message_id";

    /**
     * The dedupe lookup, in the queue (text columns, full fingerprint) and among acknowledged messages (the narrow
     * record under the key's hash, $5 and $6: {@link PgDedupeRecord}). One statement, so one snapshot: an ack moving a
     * row from the queue to message_dedupe concurrently is seen in exactly one of the two (READ COMMITTED takes the
     * snapshot per statement). Ordered so that the row a key keeps in {@link #findKeys} comes last: the newest record
     * (two only after a 128-bit hash collision), a queue row after any record.
     */
    private static final String FIND_KEYS_SQL =
            "SELECT * FROM (SELECT k.g, k.s, k.r, k.c, q.message_id, q.fingerprint, " + PgDedupeRecord.NO_COLUMNS + " FROM message_queue q "
                    + "JOIN unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS k(g, s, r, c) "
                    + "ON q.mesh_id = k.g AND q.sender = k.s AND q.recipient = k.r AND q.client_message_id = k.c "
                    + String.join("", PgDedupeRecord.lookups("k.g, k.s, k.r, k.c, NULL, NULL, ",
                            "JOIN unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[]) AS k(g, s, r, c, kh, kt)",
                            "k.kh", "k.kt").stream().map(l -> " UNION ALL " + l).toList())
                    + ") u ORDER BY u.delivered NULLS LAST";

    @Override
    public Future<List<Queued.Result>> enqueue(List<Queued.Enqueue> batch, long maxQueuedPerRecipient) {
        if (batch.isEmpty()) return Future.succeededFuture(List.of());
        long now = System.currentTimeMillis();
        return tx(conn -> {
            // 1. recipients: membership and bans, one query for all distinct (mesh, recipient) pairs
            Map<String, String[]> pairs = new LinkedHashMap<>();
            Map<String, Long> incoming = new HashMap<>();
            Set<String> recipientMembers = new HashSet<>(); // mesh|member whose status decides for a recipient
            for (Queued.Enqueue e : batch) {
                String rk = e.meshId() + '|' + e.recipient();
                pairs.putIfAbsent(rk, new String[] {e.meshId(), e.recipient()});
                recipientMembers.add(e.meshId() + '|' + e.recipientMember());
                incoming.merge(rk, 1L, Long::sum);
            }
            // The members behind senders and recipients (a session's parent, else the key itself): revocation, ban,
            // membership and expiry, one query for all distinct (mesh, key) pairs
            Map<String, String[]> keys = new LinkedHashMap<>();
            for (Queued.Enqueue e : batch) {
                keys.putIfAbsent(e.meshId() + '|' + e.recipientMember(), new String[] {e.meshId(), e.recipientMember()});
                keys.putIfAbsent(e.meshId() + '|' + e.senderMember(), new String[] {e.meshId(), e.senderMember()});
            }
            String[] pm = keys.values().stream().map(a -> a[0]).toArray(String[]::new);
            String[] pr = keys.values().stream().map(a -> a[1]).toArray(String[]::new);
            Map<String, Queued.Result> refusals = new HashMap<>();
            Map<String, Queued.Result> senderRefusals = new HashMap<>();
            Map<String, Long> depth = new HashMap<>();
            Map<String, Queued.Existing> existing = new HashMap<>();
            return conn.preparedQuery("SELECT k.g, k.r, EXISTS (SELECT 1 FROM revocations v WHERE v.mesh_id = k.g AND v.pubkey = k.r), "
                            + "EXISTS (SELECT 1 FROM bans b WHERE b.mesh_id = k.g AND b.pubkey = k.r), "
                            + "EXISTS (SELECT 1 FROM members m WHERE m.mesh_id = k.g AND m.pubkey = k.r), "
                            + "(SELECT m.expires_at FROM members m WHERE m.mesh_id = k.g AND m.pubkey = k.r) FROM unnest($1::text[], $2::text[]) AS k(g, r)")
                    .execute(arrays(pm, pr))
                    .compose(rs -> {
                        for (Row r : rs) {
                            String rk = r.getString(0) + '|' + r.getString(1);
                            MemberStatus st = MemberStatus.of(r.getBoolean(2), r.getBoolean(3), r.getBoolean(4), r.getLong(5), now);
                            Queued.Result asRecipient = SqliteCoordinatorStore.recipientRefusal(st);
                            Queued.Result asSender = SqliteCoordinatorStore.senderRefusal(st);
                            if (asRecipient != null && recipientMembers.contains(rk)) refusals.put(rk, asRecipient);
                            if (asSender != null) senderRefusals.put(rk, asSender);
                        }
                        // 2. dedupe keys, one query
                        return findKeys(conn, batch);
                    })
                    .compose(found -> {
                        existing.putAll(found);
                        // 3. recipient depth where the cache cannot vouch for it
                        List<String> recount = new ArrayList<>();
                        Set<String> needDepth = new HashSet<>(); // recipients some send of this batch may still be queued for
                        for (Queued.Enqueue e : batch) {
                            if (!refusals.containsKey(e.meshId() + '|' + e.recipientMember())) needDepth.add(e.meshId() + '|' + e.recipient());
                        }
                        for (var en : pairs.entrySet()) {
                            if (!needDepth.contains(en.getKey())) continue;
                            String[] a = en.getValue();
                            long d = depths.get(a[0], a[1], incoming.get(en.getKey()), maxQueuedPerRecipient, now);
                            if (d < 0) recount.add(en.getKey());
                            else depth.put(en.getKey(), d);
                        }
                        if (recount.isEmpty()) return Future.succeededFuture();
                        String[] cm = recount.stream().map(k -> pairs.get(k)[0]).toArray(String[]::new);
                        String[] cr = recount.stream().map(k -> pairs.get(k)[1]).toArray(String[]::new);
                        return conn.preparedQuery("SELECT k.g, k.r, (SELECT COUNT(*) FROM message_queue q WHERE q.mesh_id = k.g AND q.recipient = k.r AND q.delivered_at IS NULL) "
                                        + "FROM unnest($1::text[], $2::text[]) AS k(g, r)")
                                .execute(arrays(cm, cr)).map(rs -> {
                                    for (Row r : rs) {
                                        depth.put(r.getString(0) + '|' + r.getString(1), r.getLong(2));
                                        depths.counted(r.getString(0), r.getString(1), r.getLong(2), now);
                                    }
                                    return null;
                                });
                    })
                    .compose(x -> {
                        // 4. decide in order, insert the accepted ones in one statement
                        List<Queued.Result> out = new ArrayList<>(batch.size());
                        List<Queued.Enqueue> toInsert = new ArrayList<>();
                        for (Queued.Enqueue e : batch) {
                            String rk = e.meshId() + '|' + e.recipient();
                            Queued.Result refusal = senderRefusals.get(e.meshId() + '|' + e.senderMember());
                            if (refusal == null) refusal = refusals.get(e.meshId() + '|' + e.recipientMember());
                            Queued.Existing ex = existing.get(e.key());
                            if (refusal != null) {
                                out.add(refusal);
                            } else if (ex != null) {
                                out.add(dedupe(ex, e));
                            } else if (depth.get(rk) >= maxQueuedPerRecipient) {
                                out.add(new Queued.Result.QueueFull(depth.get(rk), maxQueuedPerRecipient));
                            } else {
                                depth.merge(rk, 1L, Long::sum);
                                toInsert.add(e);
                                out.add(new Queued.Result.Accepted(e.messageId()));
                            }
                        }
                        if (toInsert.isEmpty()) return Future.succeededFuture(out);
                        return insert(conn, toInsert).compose(inserted -> {
                            if (inserted.size() == toInsert.size()) {
                                for (Queued.Enqueue e : toInsert) depths.inserted(e.meshId(), e.recipient(), 1);
                                return Future.succeededFuture(out);
                            }
                            // Another coordinator inserted some keys concurrently: answer those as duplicates/conflicts.
                            List<Queued.Enqueue> lost = toInsert.stream().filter(e -> !inserted.contains(e.messageId())).toList();
                            return findKeys(conn, lost).map(found -> {
                                for (int i = 0; i < batch.size(); i++) {
                                    Queued.Enqueue e = batch.get(i);
                                    if (out.get(i) instanceof Queued.Result.Accepted && !inserted.contains(e.messageId())) {
                                        Queued.Existing ex = found.get(e.key());
                                        out.set(i, ex != null ? dedupe(ex, e) : new Queued.Result.Conflict("?", "?"));
                                    }
                                }
                                return out;
                            });
                        });
                    });
        });
    }

    private static Queued.Result dedupe(Queued.Existing ex, Queued.Enqueue e) {
        return ex.answer(e.fingerprint());
    }

    private static Future<Map<String, Queued.Existing>> findKeys(SqlConnection conn, List<Queued.Enqueue> batch) {
        String[] g = new String[batch.size()], s = new String[batch.size()], r = new String[batch.size()], c = new String[batch.size()];
        Long[] kh = new Long[batch.size()], kt = new Long[batch.size()];
        for (int i = 0; i < batch.size(); i++) {
            Queued.Enqueue e = batch.get(i);
            g[i] = e.meshId();
            s[i] = e.sender();
            r[i] = e.recipient();
            c[i] = e.clientMessageId();
            byte[] key = DedupeRecord.key(e.meshId(), e.sender(), e.recipient(), e.clientMessageId());
            kh[i] = PgDedupeRecord.keyHead(key);
            kt[i] = PgDedupeRecord.keyTail(key);
        }
        return conn.preparedQuery(FIND_KEYS_SQL).execute(arrays(g, s, r, c, kh, kt)).map(rs -> {
            Map<String, Queued.Existing> out = new HashMap<>();
            for (Row row : rs) {
                out.put(row.getString(0) + '|' + row.getString(1) + '|' + row.getString(2) + '|' + row.getString(3), existing(row, 4));
            }
            return out;
        });
    }

    private static Future<java.util.Set<String>> insert(SqlConnection conn, List<Queued.Enqueue> rows) {
        int n = rows.size();
        String[] mid = new String[n], g = new String[n], s = new String[n], r = new String[n], c = new String[n], f = new String[n], p = new String[n], e = new String[n];
        String[] sm = new String[n];
        Long[] ca = new Long[n], ea = new Long[n];
        for (int i = 0; i < n; i++) {
            Queued.Enqueue q = rows.get(i);
            mid[i] = q.messageId();
            g[i] = q.meshId();
            s[i] = q.sender();
            r[i] = q.recipient();
            c[i] = q.clientMessageId();
            f[i] = q.fingerprint();
            p[i] = q.priority();
            e[i] = q.envelopeJson();
            ca[i] = q.createdAt();
            ea[i] = q.expiresAt();
            sm[i] = q.senderMember();
        }
        return conn.preparedQuery(ENQUEUE_SQL).execute(arrays(mid, g, s, r, c, f, p, e, ca, ea, sm)).map(rs -> {
            java.util.Set<String> ids = new java.util.HashSet<>();
            for (Row row : rs) ids.add(row.getString(0));
            return ids;
        });
    }

    @Override
    public Future<Integer> dropQueued(String meshId, List<String> keys, boolean alsoTo) {
        if (keys.isEmpty()) return Future.succeededFuture(0);
        String[] ks = keys.toArray(String[]::new);
        return tx(conn -> conn.preparedQuery(alsoTo
                        ? "DELETE FROM message_queue WHERE mesh_id = $1 AND (sender = ANY($2) OR recipient = ANY($2)) AND delivered_at IS NULL"
                        : "DELETE FROM message_queue WHERE mesh_id = $1 AND sender = ANY($2) AND delivered_at IS NULL")
                .execute(Tuple.tuple().addString(meshId).addArrayOfString(ks)).map(RowSet::rowCount));
    }

    @Override
    public Future<Optional<Queued.Existing>> findQueued(String meshId, String sender, String recipient, String clientMessageId) {
        byte[] key = DedupeRecord.key(meshId, sender, recipient, clientMessageId);
        return guard(p -> p.preparedQuery("SELECT * FROM (SELECT message_id, fingerprint, " + PgDedupeRecord.NO_COLUMNS + " FROM message_queue "
                        + "WHERE mesh_id = $1 AND sender = $2 AND recipient = $3 AND client_message_id = $4 "
                        + String.join("", PgDedupeRecord.lookups("NULL, NULL, ", "", "$5", "$6").stream().map(l -> "UNION ALL " + l + " ").toList()) + ") u "
                        + "ORDER BY u.delivered DESC NULLS FIRST LIMIT 1")
                .execute(Tuple.of(meshId, sender, recipient, clientMessageId, PgDedupeRecord.keyHead(key), PgDedupeRecord.keyTail(key)))
                .map(rs -> first(rs, r -> existing(r, 0))));
    }

    /** Columns {@code at..}: a queue row's message_id and fingerprint, or a dedupe record ({@link PgDedupeRecord#lookups}). */
    private static Queued.Existing existing(Row row, int at) {
        String mid = row.getString(at);
        return mid != null ? new Queued.Existing(mid, row.getString(at + 1))
                : PgDedupeRecord.existing(row.getLong(at + 2), row.getInteger(at + 3), row.getLong(at + 4), row.getString(at + 5), row.getString(at + 6));
    }

    private static final String CLAIM_SQL =
            "UPDATE message_queue q SET claimed_at = $1, claim_id = $2, claim_expires_at = $3, attempts = q.attempts + 1 "
                    + "FROM (SELECT id FROM message_queue WHERE mesh_id = $4 AND recipient = $5 AND delivered_at IS NULL AND id > $7 AND expires_at > $1 "
                    + "AND (claim_id IS NULL OR claim_id <> $2 OR claim_expires_at <= $1) " + SqliteCoordinatorStore.SENDER_ALLOWED
                    + " ORDER BY id LIMIT $6 FOR UPDATE SKIP LOCKED) c "
                    + "WHERE q.id = c.id RETURNING q.id, q.message_id, q.sender, q.client_message_id, q.envelope, q.attempts, q.created_at, q.sender_member";

    @Override
    public Future<List<Queued.Message>> claim(String meshId, String recipient, String claimId, long afterSeq, int limit, long now, long leaseMs) {
        return guard(p -> p.preparedQuery(CLAIM_SQL).execute(arrays(now, claimId, now + leaseMs, meshId, recipient, limit, afterSeq)).map(rs -> {
            List<Queued.Message> out = new ArrayList<>(rs.rowCount());
            for (Row r : rs) {
                out.add(new Queued.Message(r.getLong(0), r.getString(1), meshId, r.getString(2), r.getString(7), recipient, r.getString(3),
                        r.getString(4), r.getInteger(5), r.getLong(6)));
            }
            out.sort(Comparator.comparingLong(Queued.Message::seq));
            return out;
        }));
    }

    /**
     * The ack moves each row out of the queue into its narrow dedupe record (docs/storage.md "Delivered messages"), in
     * one statement: the DELETE and the INSERT of a data-modifying CTE commit together.
     */
    @Override
    public Future<Integer> markDelivered(List<Queued.AckRef> acks, long now) {
        if (acks.isEmpty()) return Future.succeededFuture(0);
        String[] mid = new String[acks.size()], g = new String[acks.size()], r = new String[acks.size()];
        for (int i = 0; i < acks.size(); i++) {
            mid[i] = acks.get(i).messageId();
            g[i] = acks.get(i).meshId();
            r[i] = acks.get(i).recipient();
        }
        return guard(p -> p.preparedQuery(PgDedupeRecord.ACK_SQL).execute(arrays(PgDedupeRecord.seconds(now), mid, g, r))
                .map(rs -> rs.iterator().next().getLong(0).intValue()));
    }

    /** The next slice of {@code message_dedupe}'s key space the sweeper prunes. */
    private final java.util.concurrent.atomic.AtomicInteger pruneSlice = new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public Future<Queued.SweepResult> sweep(long now, long deliveredRetentionMs) {
        return tx(conn -> conn.preparedQuery("DELETE FROM message_queue WHERE delivered_at IS NULL AND expires_at <= $1").execute(Tuple.of(now))
                .compose(expired -> conn.preparedQuery("UPDATE message_queue SET claimed_at = NULL, claim_id = NULL, claim_expires_at = NULL "
                                + "WHERE delivered_at IS NULL AND claim_expires_at <= $1").execute(Tuple.of(now))
                        .compose(released -> conn.preparedQuery("DELETE FROM message_queue WHERE delivered_at IS NOT NULL AND delivered_at <= $1")
                                .execute(Tuple.of(now - deliveredRetentionMs)) // rows delivered before migration 6
                                .compose(pruned -> pruneDedupe(conn, now - deliveredRetentionMs).compose(prunedAcked ->
                                        conn.query(SqliteCoordinatorStore.PENDING_SQL).execute().map(rs -> {
                                            long depth = 0;
                                            List<Queued.Pending> pending = new ArrayList<>(rs.rowCount());
                                            for (Row r : rs) {
                                                pending.add(new Queued.Pending(r.getString(0), r.getString(1), r.getString(2), r.getLong(3)));
                                                depth += r.getLong(3);
                                            }
                                            return new Queued.SweepResult(expired.rowCount(), released.rowCount(), pruned.rowCount() + prunedAcked,
                                                    depth, pending);
                                        }))))));
    }

    /**
     * Deletes the dedupe records delivered before {@code cutoff} in the next slice of the hashed key space: in whole
     * seconds, so a record goes only once its whole second lies before the cutoff (never earlier than the retention).
     */
    private Future<Integer> pruneDedupe(SqlConnection conn, long cutoff) {
        int slice = pruneSlice.getAndUpdate(i -> (i + 1) % DedupeRecord.PRUNE_SLICES);
        Long high = PgDedupeRecord.sliceHigh(slice);
        Tuple args = Tuple.of(PgDedupeRecord.seconds(cutoff), PgDedupeRecord.sliceLow(slice));
        if (high != null) args.addValue(high);
        return conn.preparedQuery(PgDedupeRecord.pruneSql("message_dedupe", high == null)).execute(args).compose(rows ->
                conn.preparedQuery(PgDedupeRecord.pruneSql("message_dedupe_other", high == null)).execute(args)
                        .map(other -> rows.iterator().next().getInteger(0) + other.iterator().next().getInteger(0)));
    }

    @Override
    public Future<Long> queueDepth(String meshId, String recipient) {
        return guard(p -> p.preparedQuery("SELECT COUNT(*) FROM message_queue WHERE mesh_id = $1 AND recipient = $2 AND delivered_at IS NULL")
                .execute(Tuple.of(meshId, recipient)).map(rs -> rs.iterator().next().getLong(0)));
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        // Not awaited: close() may run after (or on) the Vert.x instance shutting down, which closes the pool anyway.
        try {
            pool.close();
        } catch (RuntimeException e) {
            LOG.debug("PostgreSQL pool already closed with Vert.x: {}", e.toString());
        }
    }
}
