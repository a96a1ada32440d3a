package dev.meshwire.coordinator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.meshwire.coordinator.store.CoordinatorStore;
import dev.meshwire.coordinator.store.DedupeRecord;
import dev.meshwire.coordinator.store.JoinResult;
import dev.meshwire.coordinator.store.MemberRecord;
import dev.meshwire.coordinator.store.MeshRecord;
import dev.meshwire.coordinator.store.Migration;
import dev.meshwire.coordinator.store.PgCoordinatorStore;
import dev.meshwire.coordinator.store.Queued;
import dev.meshwire.signaling.crypto.Hex;
import dev.meshwire.signaling.crypto.Sodium;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Migration 8 (docs/storage.md "Delivered messages"): a PostgreSQL database at schema 7 holding migration 6's bytea
 * dedupe records is opened by this coordinator, which converts them to {@link dev.meshwire.coordinator.store.PgDedupeRecord}'s
 * fixed-width form; every record still answers a retry — the identical envelope as a duplicate with the original id,
 * a different one as a conflict — and is pruned by its (converted) delivery time. Real PostgreSQL ({@link PgCluster}).
 */
class PostgresDedupeMigrationTest {
    static final long RETENTION = 86_400_000L;
    Vertx vertx;
    String url;
    CoordinatorStore store;

    @BeforeEach
    void open() {
        vertx = Vertx.vertx();
        url = PgCluster.freshDatabase("dedupe_migration");
    }

    @AfterEach
    void close() throws Exception {
        if (store != null) store.close();
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    static <T> T await(Future<T> f) throws Exception {
        return f.await(60, TimeUnit.SECONDS);
    }

    static String key() {
        return Hex.encode(Sodium.randomBytes(32));
    }

    static String messageId() {
        return "msg_" + Hex.encode(Sodium.randomBytes(12));
    }

    @Test
    void migrationEightConvertsTheRecordsAndTheyStillDedupe() throws Exception {
        String mesh = "m_" + Hex.encode(Sodium.randomBytes(8)), a = key(), b = key();
        long now = System.currentTimeMillis();
        String id1 = messageId(), fp1 = Hex.encode(Sodium.randomBytes(32)), id3 = messageId(), id4 = messageId();

        // a database as migration 7 left it, with records as migration 6's ack wrote them (DedupeRecord's encodings)
        SqlClient c = PgBuilder.client().connectingTo(PgCoordinatorStore.connectOptions(url)).using(vertx).build();
        try {
            await(c.query("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at BIGINT NOT NULL)").execute());
            for (Migration m : Migration.ALL) {
                if (m.version() > 7) continue;
                for (String sql : m.statements(Migration.Dialect.POSTGRES)) await(c.query(sql).execute());
                await(c.preparedQuery("INSERT INTO schema_version VALUES ($1, $2, $3)").execute(Tuple.of(m.version(), m.description(), now)));
            }
            String insert = "INSERT INTO message_dedupe (delivered_at, key, message_id, fingerprint) VALUES ($1, $2, $3, $4)";
            await(c.preparedQuery(insert).executeBatch(List.of(
                    old(now - 1_234, mesh, a, b, "standard", id1, fp1),
                    old(now - 1_000, mesh, a, b, "odd-id", "odd-old-1", "fp-old"),        // id and fingerprint verbatim
                    old(now - 1_000, mesh, a, b, "odd-fp", id3, "short"),                // standard id, verbatim fingerprint
                    old(now - RETENTION - 5_000, mesh, a, b, "expired", id4, fp1))));   // past the retention
        } finally {
            c.close().await(10, TimeUnit.SECONDS);
        }

        store = PgCoordinatorStore.open(vertx, url, 4);
        assertEquals(8, await(store.schemaVersion()));
        // four records under the b-tree on key_head, 64-byte tuples but for what is kept verbatim (one id, two fingerprints)
        assertArrayEquals(new long[] {4, 1, 2, 64}, DbProbe.row(vertx, StoreKind.POSTGRES, url,
                "SELECT COUNT(*), COUNT(other_id), COUNT(other_fp), "
                        + "(SELECT pg_column_size(x.*) FROM message_dedupe x WHERE other_id IS NULL AND other_fp IS NULL LIMIT 1) FROM message_dedupe"));
        assertArrayEquals(new long[] {1}, DbProbe.row(vertx, StoreKind.POSTGRES, url,
                "SELECT COUNT(*) FROM pg_indexes WHERE tablename = 'message_dedupe' AND indexdef LIKE '%btree (key_head)'"));

        // the queue is vacuumed every 20,000 dead rows, unthrottled; the records once 2 % of them are dead
        assertArrayEquals(new long[] {1}, DbProbe.row(vertx, StoreKind.POSTGRES, url, "SELECT COUNT(*) FROM pg_class WHERE relname = 'message_queue' "
                + "AND 'autovacuum_vacuum_threshold=20000' = ANY(reloptions) AND 'autovacuum_vacuum_cost_delay=0' = ANY(reloptions)"));
        assertArrayEquals(new long[] {1}, DbProbe.row(vertx, StoreKind.POSTGRES, url, "SELECT COUNT(*) FROM pg_class WHERE relname = 'message_dedupe' "
                + "AND 'autovacuum_vacuum_scale_factor=0.02' = ANY(reloptions)"));

        // what each record answers
        assertEquals(Optional.of(new Queued.Existing(id1, fp1.substring(0, 16), true)), await(store.findQueued(mesh, a, b, "standard")));
        assertEquals(Optional.of(new Queued.Existing("odd-old-1", "fp-old", false)), await(store.findQueued(mesh, a, b, "odd-id")));
        assertEquals(Optional.of(new Queued.Existing(id3, "short", false)), await(store.findQueued(mesh, a, b, "odd-fp")));

        // a retry: the identical envelope is a duplicate with the original id, a different one a conflict
        StoreMeshes.create(store, new MeshRecord(mesh, "mesh-" + mesh.substring(2), a, now), new MemberRecord(mesh, a, "owner", MemberRecord.OWNER, now));
        MemberRecord member = new MemberRecord(mesh, b, "b", MemberRecord.MEMBER, now);
        assertInstanceOf(JoinResult.Joined.class, await(store.joinWithInvite("inv-" + mesh, 10, member, StoreMeshes.joined(member))));
        assertEquals(new Queued.Result.Duplicate(id1), enqueue(mesh, a, b, "standard", fp1, now));
        assertEquals(new Queued.Result.Conflict(id1, fp1.substring(0, 16)), enqueue(mesh, a, b, "standard", key(), now));
        assertEquals(new Queued.Result.Duplicate("odd-old-1"), enqueue(mesh, a, b, "odd-id", "fp-old", now));
        assertEquals(new Queued.Result.Conflict("odd-old-1", "fp-old"), enqueue(mesh, a, b, "odd-id", fp1, now));
        assertEquals(new Queued.Result.Duplicate(id3), enqueue(mesh, a, b, "odd-fp", "short", now));

        // the expired record goes within one round of prune slices, the others stay (converted times)
        int pruned = 0;
        for (int i = 0; i < DedupeRecord.PRUNE_SLICES; i++) pruned += await(store.sweep(now, RETENTION)).pruned();
        assertEquals(1, pruned);
        assertEquals(Optional.empty(), await(store.findQueued(mesh, a, b, "expired")));
        assertInstanceOf(Queued.Result.Accepted.class, enqueue(mesh, a, b, "expired", fp1, now));
        assertEquals(new Queued.Result.Duplicate(id1), enqueue(mesh, a, b, "standard", fp1, now));

        // a message acknowledged after the migration leaves the new record, which dedupes the same way
        Queued.Enqueue fresh = enqueueMessage(mesh, a, b, "fresh", fp1, now);
        assertEquals(new Queued.Result.Accepted(fresh.messageId()), await(store.enqueue(List.of(fresh), 1_000)).get(0));
        List<Queued.Message> claimed = await(store.claim(mesh, b, "c", 0, 10, now, 30_000));
        assertEquals(claimed.size(), await(store.markDelivered(claimed.stream().map(m -> new Queued.AckRef(mesh, b, m.messageId())).toList(), now)));
        assertEquals(new Queued.Result.Duplicate(fresh.messageId()), enqueue(mesh, a, b, "fresh", fp1, now));
        assertEquals(new Queued.Result.Conflict(fresh.messageId(), fp1.substring(0, 16)), enqueue(mesh, a, b, "fresh", "ab".repeat(32), now));
        assertArrayEquals(new long[] {0}, DbProbe.row(vertx, StoreKind.POSTGRES, url, "SELECT COUNT(*) FROM message_queue"));
    }

    /** A migration 6 record, encoded as its ack wrote it. */
    static Tuple old(long deliveredAt, String mesh, String from, String to, String cmid, String id, String fp) {
        return Tuple.of(deliveredAt, Buffer.buffer(DedupeRecord.key(mesh, from, to, cmid)), Buffer.buffer(DedupeRecord.messageId(id)),
                Buffer.buffer(DedupeRecord.fingerprint(fp)));
    }

    static Queued.Enqueue enqueueMessage(String mesh, String from, String to, String cmid, String fp, long now) {
        return new Queued.Enqueue(messageId(), mesh, from, to, cmid, fp, "next", "{}", now, now + RETENTION);
    }

    Queued.Result enqueue(String mesh, String from, String to, String cmid, String fp, long now) throws Exception {
        return await(store.enqueue(List.of(enqueueMessage(mesh, from, to, cmid, fp, now)), 1_000)).get(0);
    }
}
