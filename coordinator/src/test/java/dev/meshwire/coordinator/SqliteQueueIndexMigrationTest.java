package dev.meshwire.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.coordinator.store.CoordinatorStore;
import dev.meshwire.coordinator.store.JoinResult;
import dev.meshwire.coordinator.store.MemberRecord;
import dev.meshwire.coordinator.store.MeshRecord;
import dev.meshwire.coordinator.store.Migration;
import dev.meshwire.coordinator.store.Queued;
import dev.meshwire.coordinator.store.SqliteCoordinatorStore;
import dev.meshwire.signaling.crypto.Hex;
import dev.meshwire.signaling.crypto.Sodium;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Migration 10 (docs/storage.md "Queue indexes since migration 10") on a real SQLite database at schema 9 holding queue
 * rows in every state — unclaimed, claimed under a live and under an expired lease, expired, a session's and a service's
 * rows, acknowledged (a dedupe record), delivered before migration 6 (old and recent) — opened by this coordinator: the
 * indexes are replaced, every row still answers a retry as before, the sweep expires, releases and prunes the same rows,
 * ban and revoke delete the same rows (through indexes, never a scan of the queue), and a relayed group still works.
 */
class SqliteQueueIndexMigrationTest {
    static final long LEASE = 30_000;
    static final long RETENTION = 86_400_000L;
    Vertx vertx;
    Path dir;
    String url;
    CoordinatorStore store;

    @BeforeEach
    void open() throws Exception {
        vertx = Vertx.vertx();
        dir = Files.createTempDirectory("mw-index-migration");
        url = StoreKind.SQLITE.freshUrl(dir, "m10");
    }

    @AfterEach
    void close() throws Exception {
        if (store != null) store.close();
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    static <T> T await(io.vertx.core.Future<T> f) throws Exception {
        return f.await(30, TimeUnit.SECONDS);
    }

    static String key() {
        return Hex.encode(Sodium.randomBytes(32));
    }

    static Queued.Enqueue msg(String mesh, String from, String member, String to, String cmid, long now, long expiresAt) {
        return new Queued.Enqueue("msg_" + Hex.encode(Sodium.randomBytes(12)), mesh, from, to, cmid, Hex.encode(Sodium.randomBytes(32)), "next",
                "{\"v\":2,\"cmid\":\"" + cmid + "\"}", now, expiresAt, member, to);
    }

    @Test
    void migrationTenKeepsEveryRowsAnswersSweepAndDeletes() throws Exception {
        long now = System.currentTimeMillis(), week = now + 7 * RETENTION;
        store = StoreKind.SQLITE.open(vertx, url);
        String mesh = "m_" + Hex.encode(Sodium.randomBytes(8)), owner = key(), a = key(), b = key(), c = key();
        StoreMeshes.create(store, new MeshRecord(mesh, "mesh-m10-" + mesh.substring(2, 10), owner, now),
                new MemberRecord(mesh, owner, "owner", MemberRecord.OWNER, now));
        for (String[] m : new String[][] {{a, "a"}, {b, "b"}, {c, "c"}}) {
            MemberRecord candidate = new MemberRecord(mesh, m[0], m[1], MemberRecord.MEMBER, now);
            assertInstanceOf(JoinResult.Joined.class, await(store.joinWithInvite("inv-" + mesh, 100, candidate, StoreMeshes.joined(candidate))));
        }
        String sessionOfC = key(), serviceOfA = key();
        Queued.Enqueue leaseExpired = msg(mesh, a, a, b, "lease-expired", now, week);
        Queued.Enqueue leaseLive = msg(mesh, a, a, b, "lease-live", now, week);
        Queued.Enqueue unclaimed = msg(mesh, a, a, b, "unclaimed", now, week);
        Queued.Enqueue expired = msg(mesh, a, a, b, "expired", now - 2_000, now - 1_000);
        Queued.Enqueue ofSession = msg(mesh, sessionOfC, c, b, "session", now, week);
        Queued.Enqueue ofService = msg(mesh, serviceOfA, a, b, "service", now, week);
        Queued.Enqueue toA = msg(mesh, b, b, a, "to-a", now, week);
        Queued.Enqueue acked = msg(mesh, owner, owner, b, "acked", now, week);
        Queued.Enqueue deliveredOld = msg(mesh, owner, owner, b, "delivered-old", now, week);
        Queued.Enqueue deliveredRecent = msg(mesh, owner, owner, b, "delivered-recent", now, week);
        List<Queued.Enqueue> all = List.of(leaseExpired, leaseLive, unclaimed, expired, ofSession, ofService, toA, acked, deliveredOld, deliveredRecent);
        for (Queued.Enqueue e : all) assertInstanceOf(Queued.Result.Accepted.class, await(store.enqueue(List.of(e), 200_000)).get(0));
        List<Queued.Message> first = await(store.claim(mesh, b, "s1", 0, 1, now - 2 * LEASE, LEASE));
        assertEquals(List.of(leaseExpired.messageId()), Queued.ids(first));
        assertEquals(List.of(leaseLive.messageId()), Queued.ids(await(store.claim(mesh, b, "s1", first.get(0).seq(), 1, now, LEASE))));
        store.close();
        store = null;

        // Back to schema 9 (migration 10 only changes indexes, 11 adds a table) with two rows delivered the way the queue did before
        // migration 6 (delivered_at set, envelope dropped) and one acknowledged since (its narrow record).
        try (Connection conn = DriverManager.getConnection(url); Statement st = conn.createStatement()) {
            st.execute("DROP INDEX message_queue_session_member");
            st.execute("CREATE INDEX message_queue_expiry ON message_queue (expires_at) WHERE delivered_at IS NULL");
            st.execute("CREATE INDEX message_queue_sender_member ON message_queue (mesh_id, sender_member) WHERE delivered_at IS NULL");
            st.execute("DELETE FROM schema_version WHERE version >= 10");
            st.execute("DROP TABLE message_dedupe_recent"); // migration 11, applied again below
            try (PreparedStatement ps = conn.prepareStatement("UPDATE message_queue SET delivered_at = ?, envelope = NULL WHERE message_id = ?")) {
                ps.setLong(1, now - RETENTION - 5_000);
                ps.setString(2, deliveredOld.messageId());
                assertEquals(1, ps.executeUpdate());
                ps.setLong(1, now - 5_000);
                ps.setString(2, deliveredRecent.messageId());
                assertEquals(1, ps.executeUpdate());
            }
            assertEquals(Set.of("message_queue_dedupe", "message_queue_pending", "message_queue_expiry", "message_queue_delivered",
                    "message_queue_sender", "message_queue_sender_member"), queueIndexes(conn));
        }
        store = StoreKind.SQLITE.open(vertx, url);
        assertEquals(1, await(store.markDelivered(List.of(new Queued.AckRef(mesh, b, acked.messageId())), now)));
        store.close();
        store = StoreKind.SQLITE.open(vertx, url); // the same database, opened again: nothing more to apply
        assertEquals(11, Migration.latestVersion());
        assertEquals(Migration.latestVersion(), await(store.schemaVersion()));

        try (Connection conn = DriverManager.getConnection(url)) {
            assertEquals(Set.of("message_queue_dedupe", "message_queue_pending", "message_queue_delivered", "message_queue_sender",
                    "message_queue_session_member"), queueIndexes(conn));
            try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM message_queue "
                    + "INDEXED BY message_queue_session_member WHERE delivered_at IS NULL AND sender_member <> sender")) {
                rs.next();
                assertEquals(2, rs.getLong(1), "only the session's and the service's rows are in the index on sender_member");
            }
            // ban and revoke find their rows through indexes, never by scanning the queue
            assertUsesIndexes(conn, SqliteCoordinatorStore.DELETE_SENT_ROWS_SQL, "message_queue_sender");
            assertUsesIndexes(conn, SqliteCoordinatorStore.DELETE_SESSION_ROWS_SQL, "message_queue_session_member");
            assertUsesIndexes(conn, SqliteCoordinatorStore.DELETE_SENT_OR_RECEIVED_ROWS_SQL, "message_queue_sender");
            // a claim reads its rows in id order from the recipient's index, without sorting them first: it stops
            // after the rows it asked for (its LIMIT is rounded up to a power of two in the statement's text)
            String claim = SqliteCoordinatorStore.CLAIM_SQL + " LIMIT " + dev.meshwire.sqlite.StatementCache.limitText(32);
            assertUsesIndexes(conn, claim, "message_queue_pending");
            assertTrue(plan(conn, claim).stream().noneMatch(d -> d.contains("TEMP B-TREE")), claim + " → " + plan(conn, claim));
        }

        // every row answers a retry as before the migration: the identical envelope a duplicate with the original id,
        // another one a conflict
        for (Queued.Enqueue e : List.of(leaseExpired, leaseLive, unclaimed, ofSession, ofService, toA, acked, deliveredOld, deliveredRecent)) {
            Queued.Enqueue retry = new Queued.Enqueue("msg_" + Hex.encode(Sodium.randomBytes(12)), mesh, e.sender(), e.recipient(), e.clientMessageId(),
                    e.fingerprint(), "next", e.envelopeJson(), now, week, e.senderMember(), e.recipient());
            assertEquals(new Queued.Result.Duplicate(e.messageId()), await(store.enqueue(List.of(retry), 200_000)).get(0), e.clientMessageId());
            Queued.Enqueue other = new Queued.Enqueue("msg_" + Hex.encode(Sodium.randomBytes(12)), mesh, e.sender(), e.recipient(), e.clientMessageId(),
                    Hex.encode(Sodium.randomBytes(32)), "next", "{}", now, week, e.senderMember(), e.recipient());
            Queued.Result conflict = await(store.enqueue(List.of(other), 200_000)).get(0);
            assertEquals(e.messageId(), assertInstanceOf(Queued.Result.Conflict.class, conflict).existingMessageId(), e.clientMessageId());
        }

        // the sweep: the expired row deleted (now by a scan), the expired lease released, the old delivered row pruned
        Queued.SweepResult swept = await(store.sweep(now + 1, RETENTION));
        assertEquals(1, swept.expired());
        assertEquals(1, swept.claimsReleased());
        assertEquals(1, swept.pruned());
        assertTrue(await(store.findQueued(mesh, a, b, "expired")).isEmpty());
        assertTrue(await(store.findQueued(mesh, owner, b, "delivered-old")).isEmpty());
        assertFalse(await(store.findQueued(mesh, owner, b, "delivered-recent")).isEmpty());
        assertEquals(5L, await(store.queueDepth(mesh, b)), "lease-expired, lease-live, unclaimed, session, service");
        List<Queued.Message> takeover = await(store.claim(mesh, b, "s2", 0, 10, now + 2, LEASE));
        assertEquals(List.of(leaseExpired.messageId(), leaseLive.messageId(), unclaimed.messageId(), ofSession.messageId(), ofService.messageId()),
                Queued.ids(takeover));

        // a row inserted after a sweep is expired by the first sweep past its expiry (the store skips the expiry scan only
        // while no row, scanned or inserted since, can have expired)
        Queued.Enqueue shortLived = msg(mesh, owner, owner, b, "short", now, now + 10);
        assertInstanceOf(Queued.Result.Accepted.class, await(store.enqueue(List.of(shortLived), 200_000)).get(0));
        assertEquals(0, await(store.sweep(now + 9, RETENTION)).expired());
        assertEquals(1, await(store.sweep(now + 10, RETENTION)).expired());
        assertEquals(0, await(store.sweep(now + 11, RETENTION)).expired());

        // a ban of c deletes its session's row; a revocation of a its own rows, its service's and the one to it
        assertEquals(1, StoreMeshes.ban(store, mesh, c, "c", owner, now + 3).droppedMessages());
        assertEquals(5, StoreMeshes.revoke(store, mesh, a, owner, "test", now + 4).droppedMessages());
        assertEquals(0L, await(store.queueDepth(mesh, b)));
        assertEquals(0L, await(store.queueDepth(mesh, a)));

        // a relayed group after the migration: inserted claimed, acked in the next group, its retry still a duplicate
        Queued.Enqueue relayed = msg(mesh, owner, owner, b, "relayed", now + 5, week);
        Queued.GroupResult g = await(store.commitGroup(new Queued.Group(List.of(relayed), 200_000, List.of(),
                List.of(new Queued.ClaimRequest(mesh, b, "s3", 0, 10, LEASE)), now + 5)));
        assertEquals(List.of(relayed.messageId()), Queued.ids(g.claimed().get(0)));
        assertEquals(1, await(store.commitGroup(new Queued.Group(List.of(), 200_000, List.of(new Queued.AckRef(mesh, b, relayed.messageId())),
                List.of(), now + 6))).delivered());
        assertEquals(new Queued.Result.Duplicate(relayed.messageId()), await(store.enqueue(List.of(relayed), 200_000)).get(0));
    }

    static Set<String> queueIndexes(Connection conn) throws Exception {
        Set<String> out = new TreeSet<>();
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'message_queue' AND name NOT LIKE 'sqlite_autoindex%'")) {
            while (rs.next()) out.add(rs.getString(1));
        }
        return out;
    }

    /** The statement's plan names {@code index} and has no full scan of {@code message_queue}. */
    static void assertUsesIndexes(Connection conn, String sql, String index) throws Exception {
        List<String> plan = plan(conn, sql);
        assertTrue(plan.stream().anyMatch(d -> d.contains(index)), sql + " → " + plan);
        assertTrue(plan.stream().noneMatch(d -> d.startsWith("SCAN message_queue")), sql + " → " + plan);
    }

    /** The details of the statement's query plan, every parameter bound to a string. */
    static List<String> plan(Connection conn, String sql) throws Exception {
        List<String> plan = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement("EXPLAIN QUERY PLAN " + sql)) {
            int n = ps.getParameterMetaData().getParameterCount();
            for (int i = 1; i <= n; i++) ps.setString(i, "x");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) plan.add(rs.getString("detail"));
            }
        }
        return plan;
    }
}
