package dev.meshwire.coordinator;

import static dev.meshwire.coordinator.StoreMeshes.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.coordinator.store.Queued;
import dev.meshwire.coordinator.store.SqliteCoordinatorStore;
import dev.meshwire.coordinator.store.SqliteStoreHooks;
import dev.meshwire.signaling.crypto.Hex;
import dev.meshwire.signaling.crypto.Sodium;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The SQLite store on a "full disk", for real: {@code PRAGMA max_page_count} on the store's own connection (the limit is
 * per connection) set to the file's current size, so the next write that needs a new page fails with SQLITE_FULL
 * ("database or disk is full"). A single-row {@code INSERT} that fails so makes SQLite roll the whole transaction back by
 * itself (https://www.sqlite.org/lang_transaction.html "Response To Errors Within A Transaction"), so the wrapper's own
 * rollback finds no transaction. A {@code commitGroup} with acks and sends then fails with the real cause; nothing of it
 * is left (the acked rows are still queued, no dedupe record, no new row); the in-memory bookkeeping (recent dedupe map,
 * depth cache) follows the rolled-back database; and once there is room the same group commits, every acked message
 * answers a retry with its original id — through merges of the recent dedupe records and a restart — and the queue depth
 * is exact.
 */
class SqliteDiskFullTest {
    private static final long LEASE = 30_000;

    @Test
    void aGroupFailingOnAFullDiskFailsWithItsCauseAndTheSameGroupCommitsOnceThereIsRoom() throws Exception {
        Vertx vertx = Vertx.vertx();
        Path dir = Files.createTempDirectory("mw-disk-full");
        String url = "jdbc:sqlite:" + dir.resolve("c.db");
        // Small merge settings: the recent dedupe records are merged in the groups below.
        SqliteCoordinatorStore store = SqliteCoordinatorStore.open(vertx, url, 4, 2);
        List<Queued.Enqueue> acked = new ArrayList<>();
        String[] m;
        try (Connection other = DriverManager.getConnection(url)) {
            m = StoreMeshes.ownerAndMember(store, "full");
            // Room: six small sends are queued and claimed by the recipient.
            List<Queued.Enqueue> small = new ArrayList<>();
            for (int i = 0; i < 6; i++) small.add(send(m, "a" + i, 10));
            Queued.GroupResult first = await(store.commitGroup(new Queued.Group(small, 1_000, List.of(),
                    List.of(new Queued.ClaimRequest(m[0], m[2], "k", 0, 100, LEASE)), System.currentTimeMillis())));
            assertEquals(6, first.claimed().get(0).size());
            assertEquals(6L, await(store.queueDepth(m[0], m[2])));

            // Full: no page beyond the ones the file has.
            long pages = await(SqliteStoreHooks.pragma(store, "PRAGMA page_count"));
            assertEquals(pages, await(SqliteStoreHooks.pragma(store, "PRAGMA max_page_count = " + pages)));

            // The recipient acks the six while the sender sends ten large envelopes: one group, one transaction.
            List<Queued.AckRef> acks = small.stream().map(e -> new Queued.AckRef(m[0], m[2], e.messageId())).toList();
            List<Queued.Enqueue> large = new ArrayList<>();
            for (int i = 0; i < 10; i++) large.add(send(m, "b" + i, 16_000));
            Queued.Group group = new Queued.Group(large, 10, acks, List.of(), System.currentTimeMillis());
            Throwable failure = failureOf(store.commitGroup(group));
            assertTrue(String.valueOf(failure.getMessage()).contains("database or disk is full"), "names the cause: " + failure);
            assertFalse(failure.getMessage().contains("no transaction is active"), failure.getMessage());
            assertTrue(selfRolledBack(failure), "SQLite rolled the group's transaction back by itself (the store's rollback found none): "
                    + Arrays.toString(failure.getSuppressed()));

            // Nothing of the group is left: the six are still queued, undelivered, with no dedupe record; no large row.
            assertEquals(6, count(other, "SELECT COUNT(*) FROM message_queue WHERE delivered_at IS NULL"));
            assertEquals(0, count(other, "SELECT COUNT(*) FROM message_queue WHERE client_message_id LIKE 'b%'"));
            assertEquals(0, count(other, "SELECT COUNT(*) FROM message_dedupe_recent"));
            assertEquals(0, count(other, "SELECT COUNT(*) FROM message_dedupe"));
            assertEquals(6L, await(store.queueDepth(m[0], m[2])));
            for (Queued.Enqueue e : small) {
                Queued.Existing q = await(store.findQueued(m[0], m[1], m[2], e.clientMessageId())).orElseThrow();
                assertEquals(e.messageId(), q.messageId());
                assertFalse(q.truncated(), e.clientMessageId() + " is still the queued row, not a dedupe record");
            }
            // Still full: refused again the same way (the connection is usable after SQLite's own rollback).
            Throwable again = failureOf(store.commitGroup(group));
            assertTrue(String.valueOf(again.getMessage()).contains("database or disk is full"), again.toString());

            // Room again: the same group commits; the cap of exactly ten new rows admits all ten (the depth is exact).
            assertEquals(1_073_741_823L, await(SqliteStoreHooks.pragma(store, "PRAGMA max_page_count = 1073741823")));
            Queued.GroupResult retried = await(store.commitGroup(new Queued.Group(large, 10, acks, List.of(), System.currentTimeMillis())));
            assertEquals(6, retried.delivered(), "every ack applied once");
            assertEquals(large.stream().map(e -> (Queued.Result) new Queued.Result.Accepted(e.messageId())).toList(), retried.enqueued());
            acked.addAll(small);
            assertEquals(10L, await(store.queueDepth(m[0], m[2])));
            assertEquals(10, count(other, "SELECT COUNT(*) FROM message_queue"));
            assertAllAnswer(store, m, acked);
            // The cap holds exactly: an eleventh send is refused as full.
            assertInstanceOf(Queued.Result.QueueFull.class,
                    await(store.enqueue(List.of(send(m, "c0", 10)), 10)).get(0));

            // The large ones are claimed and acked in two groups (recent records merged as they go); all answer.
            List<Queued.Message> claimed = await(store.claim(m[0], m[2], "k2", 0, 100, System.currentTimeMillis(), LEASE));
            assertEquals(10, claimed.size());
            for (List<Queued.Message> half : List.of(claimed.subList(0, 5), claimed.subList(5, 10))) {
                Queued.GroupResult r = await(store.commitGroup(new Queued.Group(List.of(), 10,
                        half.stream().map(x -> new Queued.AckRef(m[0], m[2], x.messageId())).toList(), List.of(), System.currentTimeMillis())));
                assertEquals(5, r.delivered());
            }
            acked.addAll(large);
            assertEquals(0L, await(store.queueDepth(m[0], m[2])));
            assertAllAnswer(store, m, acked);
        } finally {
            store.close();
        }

        // After a restart (which moves what is left recent into message_dedupe) every acked message still answers.
        store = SqliteCoordinatorStore.open(vertx, url);
        try {
            assertAllAnswer(store, m, acked);
            assertEquals(0L, await(store.queueDepth(m[0], m[2])));
        } finally {
            store.close();
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    /** A retry of each acked message gets its original id; a changed one is a conflict. */
    private static void assertAllAnswer(SqliteCoordinatorStore store, String[] m, List<Queued.Enqueue> acked) throws Exception {
        for (Queued.Enqueue e : acked) {
            Queued.Existing found = await(store.findQueued(m[0], m[1], m[2], e.clientMessageId())).orElseThrow(
                    () -> new AssertionError("no record of acked " + e.clientMessageId()));
            assertEquals(e.messageId(), found.messageId(), e.clientMessageId());
            assertTrue(found.truncated(), "only the dedupe record is left of " + e.clientMessageId());
            Queued.Enqueue retry = new Queued.Enqueue("msg_" + Hex.encode(Sodium.randomBytes(12)), e.meshId(), e.sender(), e.recipient(),
                    e.clientMessageId(), e.fingerprint(), e.priority(), e.envelopeJson(), e.createdAt(), e.expiresAt());
            assertEquals(new Queued.Result.Duplicate(e.messageId()), await(store.enqueue(List.of(retry), 1_000)).get(0), e.clientMessageId());
            Queued.Enqueue changed = new Queued.Enqueue(retry.messageId(), e.meshId(), e.sender(), e.recipient(), e.clientMessageId(),
                    Hex.encode(Sodium.randomBytes(32)), e.priority(), e.envelopeJson(), e.createdAt(), e.expiresAt());
            assertInstanceOf(Queued.Result.Conflict.class, await(store.enqueue(List.of(changed), 1_000)).get(0));
        }
    }

    private static Queued.Enqueue send(String[] m, String cmid, int bytes) {
        long now = System.currentTimeMillis();
        return new Queued.Enqueue("msg_" + Hex.encode(Sodium.randomBytes(12)), m[0], m[1], m[2], cmid,
                Hex.encode(Sodium.randomBytes(32)), "next", "{\"v\":2,\"ct\":\"" + "x".repeat(bytes) + "\"}", now, now + 86_400_000L);
    }

    /** The failure of {@code f}, which must fail (within a generous deadline). */
    private static Throwable failureOf(Future<?> f) throws Exception {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS), "the group must fail");
        return e.getCause();
    }

    /** True when the store's rollback found no transaction: SQLite had rolled it back itself. */
    private static boolean selfRolledBack(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            for (Throwable s : t.getSuppressed()) {
                if (String.valueOf(s.getMessage()).contains("no transaction is active")) return true;
            }
        }
        return false;
    }

    private static long count(Connection c, String sql) throws Exception {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
