package dev.meshwire.coordinator;

import static dev.meshwire.coordinator.StoreMeshes.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.coordinator.store.Queued;
import dev.meshwire.coordinator.store.SqliteCoordinatorStore;
import dev.meshwire.signaling.crypto.Hex;
import dev.meshwire.signaling.crypto.Sodium;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * SQLite's recent dedupe records (docs/storage.md "Recent dedupe records"): an ack appends its record to
 * {@code message_dedupe_recent}, and once enough are recent they move into {@code message_dedupe} in key order, a slice
 * per group. Through many merges (small settings), every acknowledged message keeps answering a retry with its original
 * id — while recent, while its generation is half merged, once merged, and after a restart, which moves what was left
 * recent — and a changed retry stays a conflict.
 */
class SqliteRecentDedupeTest {
    private static final long LEASE = 30_000;

    @Test
    void everyAckedMessageAnswersItsRetryThroughMergesAndARestart() throws Exception {
        Vertx vertx = Vertx.vertx();
        Path dir = Files.createTempDirectory("mw-recent-dedupe");
        String url = "jdbc:sqlite:" + dir.resolve("c.db");
        SqliteCoordinatorStore store = SqliteCoordinatorStore.open(vertx, url, 100, 16);
        Map<String, Queued.Enqueue> acked = new LinkedHashMap<>(); // cmid -> the send the recipient acked
        String[] m;
        try {
            m = StoreMeshes.ownerAndMember(store, "recent");
            List<Queued.Message> previous = List.of();
            long cursor = 0;
            int seq = 0;
            for (int round = 0; round < 40; round++) {
                List<Queued.Enqueue> sends = new ArrayList<>();
                for (int i = 0; i < 25; i++) sends.add(send(m, "c" + seq++));
                Queued.GroupResult r = await(store.commitGroup(new Queued.Group(sends, 1_000_000,
                        previous.stream().map(x -> new Queued.AckRef(m[0], m[2], x.messageId())).toList(),
                        List.of(new Queued.ClaimRequest(m[0], m[2], "k", cursor, 1_000, LEASE)), System.currentTimeMillis())));
                assertEquals(previous.size(), r.delivered(), "every ack of the previous group applied");
                for (Queued.Message x : previous) acked.put(x.clientMessageId(), sendOf(x, m));
                previous = r.claimed().get(0);
                if (!previous.isEmpty()) cursor = previous.get(previous.size() - 1).seq();
                if (round % 7 == 6) assertAllAnswer(store, m, acked); // at different points of the merges
            }
            assertAllAnswer(store, m, acked);
            try (Connection c = DriverManager.getConnection(url)) {
                long merged = count(c, "message_dedupe"), recent = count(c, "message_dedupe_recent");
                // a generation being merged is in both tables until its last slice
                assertEquals(acked.size(), count(c, "(SELECT key FROM message_dedupe UNION SELECT key FROM message_dedupe_recent)"),
                        "each acked message has a record");
                assertTrue(merged >= acked.size() - 200, "generations were merged: " + merged + " merged, " + recent + " recent");
                assertTrue(recent > 0, "the newest records are still recent: " + recent);
            }
        } finally {
            store.close();
        }

        // A restart (as after a crash) moves every record left recent into message_dedupe before the store serves.
        store = SqliteCoordinatorStore.open(vertx, url);
        try {
            try (Connection c = DriverManager.getConnection(url)) {
                assertEquals(0, count(c, "message_dedupe_recent"));
                assertEquals(acked.size(), count(c, "message_dedupe"));
            }
            assertAllAnswer(store, m, acked);
        } finally {
            store.close();
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    private static void assertAllAnswer(SqliteCoordinatorStore store, String[] m, Map<String, Queued.Enqueue> acked) throws Exception {
        for (Queued.Enqueue e : acked.values()) {
            Queued.Existing found = await(store.findQueued(m[0], m[1], m[2], e.clientMessageId())).orElseThrow(
                    () -> new AssertionError("no record of acked " + e.clientMessageId()));
            assertEquals(e.messageId(), found.messageId(), e.clientMessageId());
            assertTrue(found.truncated(), "only the dedupe record is left of " + e.clientMessageId());
        }
        // a retry of the same envelope is answered with the original id; a changed one is a conflict
        List<Queued.Enqueue> all = new ArrayList<>(acked.values());
        Queued.Enqueue first = all.get(0), last = all.get(all.size() - 1);
        for (Queued.Enqueue e : List.of(first, last)) {
            Queued.Enqueue retry = new Queued.Enqueue("msg_" + Hex.encode(Sodium.randomBytes(12)), e.meshId(), e.sender(), e.recipient(),
                    e.clientMessageId(), e.fingerprint(), e.priority(), e.envelopeJson(), e.createdAt(), e.expiresAt());
            assertEquals(new Queued.Result.Duplicate(e.messageId()), await(store.enqueue(List.of(retry), 1_000_000)).get(0));
            Queued.Enqueue changed = new Queued.Enqueue(retry.messageId(), e.meshId(), e.sender(), e.recipient(), e.clientMessageId(),
                    Hex.encode(Sodium.randomBytes(32)), e.priority(), e.envelopeJson(), e.createdAt(), e.expiresAt());
            assertInstanceOf(Queued.Result.Conflict.class, await(store.enqueue(List.of(changed), 1_000_000)).get(0));
        }
    }

    private static final Map<String, Queued.Enqueue> SENT = new LinkedHashMap<>();

    private static Queued.Enqueue send(String[] m, String cmid) {
        long now = System.currentTimeMillis();
        Queued.Enqueue e = new Queued.Enqueue("msg_" + Hex.encode(Sodium.randomBytes(12)), m[0], m[1], m[2], cmid,
                Hex.encode(Sodium.randomBytes(32)), "next", "{\"v\":2}", now, now + 86_400_000L);
        SENT.put(cmid, e);
        return e;
    }

    private static Queued.Enqueue sendOf(Queued.Message x, String[] m) {
        Queued.Enqueue e = SENT.get(x.clientMessageId());
        assertEquals(e.messageId(), x.messageId());
        return e;
    }

    private static long count(Connection c, String table) throws Exception {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
