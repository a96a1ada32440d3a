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
            migrateTo(c, 7, now);
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
        assertEquals(Migration.latestVersion(), await(store.schemaVersion()));
        // through migration 9: the two standard records one to a row (different seconds), the two kept verbatim (one
        // id, two fingerprints) in message_dedupe_other under its b-tree on key_head
        assertArrayEquals(new long[] {2, 2, 0}, DbProbe.row(vertx, StoreKind.POSTGRES, url,
                "SELECT COUNT(*), COUNT(*) + COUNT(key_head_b) + COUNT(key_head_c), COUNT(key_head_b) FROM message_dedupe"));
        assertArrayEquals(new long[] {2, 1, 2}, DbProbe.row(vertx, StoreKind.POSTGRES, url,
                "SELECT COUNT(*), COUNT(other_id), COUNT(other_fp) FROM message_dedupe_other"));
        assertArrayEquals(new long[] {4}, DbProbe.row(vertx, StoreKind.POSTGRES, url,
                "SELECT COUNT(*) FROM pg_indexes WHERE tablename IN ('message_dedupe', 'message_dedupe_other') AND indexdef LIKE '%btree (key_head%'"));

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

    /**
     * Migration 9: a database at schema 8 holding records in migration 8's one-per-row form — seven in one second,
     * ids and fingerprints of all-zero and all-one bytes (negative as {@code BIGINT}), records kept verbatim, keys at
     * the prune slices' edges, a record in exactly the cutoff's second — is converted three records to a row per
     * second; every record still answers a retry as a duplicate or a conflict naming its 16-hex fingerprint, the
     * prune removes exactly the expired ones (whole rows, never early), and a group ack after the migration fills rows.
     */
    @Test
    void migrationNinePacksThreeRecordsToARowAndTheyStillDedupe() throws Exception {
        String mesh = "m_" + Hex.encode(Sodium.randomBytes(8)), a = key(), b = key();
        long now = System.currentTimeMillis();
        long cutoffSecond = Math.floorDiv(now - RETENTION, 1000L) * 1000L;
        java.util.Map<String, String[]> kept = new java.util.LinkedHashMap<>(); // cmid -> id, fingerprint
        for (int i = 0; i < 7; i++) kept.put("s" + i, new String[] {messageId(), Hex.encode(Sodium.randomBytes(32))});
        kept.put("s-ones", new String[] {"msg_" + "f".repeat(24), "f".repeat(64)});
        kept.put("s-zeros", new String[] {"msg_" + "0".repeat(24), "0".repeat(64)});
        kept.put("single", new String[] {messageId(), Hex.encode(Sodium.randomBytes(32))});

        SqlClient c = PgBuilder.client().connectingTo(PgCoordinatorStore.connectOptions(url)).using(vertx).build();
        try {
            migrateTo(c, 8, now);
            List<Tuple> rows = new java.util.ArrayList<>();
            for (var e : kept.entrySet()) {
                long at = e.getKey().equals("single") ? now - 5_000 : now - 2_000; // nine records in one second, one in another
                rows.add(eight(at, DedupeRecord.key(mesh, a, b, e.getKey()), e.getValue()[0], e.getValue()[1]));
            }
            rows.add(eight(now - 1_000, DedupeRecord.key(mesh, a, b, "odd-id"), "odd-old-1", "fp-old"));
            rows.add(eight(now - 1_000, DedupeRecord.key(mesh, a, b, "odd-fp"), messageId(), "short"));
            rows.add(eight(cutoffSecond, DedupeRecord.key(mesh, a, b, "edge"), messageId(), "ab".repeat(32)));
            // expired: four findable records, three at the slices' edges (not findable: keys no hash gave), one verbatim
            long expired = now - RETENTION - 5_000;
            for (int i = 0; i < 4; i++) rows.add(eight(expired, DedupeRecord.key(mesh, a, b, "e" + i), messageId(), Hex.encode(Sodium.randomBytes(32))));
            for (long head : new long[] {Long.MIN_VALUE, Long.MAX_VALUE, dev.meshwire.coordinator.store.PgDedupeRecord.sliceLow(1)}) {
                rows.add(eight(expired, java.nio.ByteBuffer.allocate(16).putLong(head).putLong(head).array(), messageId(), "cd".repeat(32)));
            }
            rows.add(eight(expired, DedupeRecord.key(mesh, a, b, "e-odd"), "odd-old-2", "fp-old"));
            await(c.preparedQuery("INSERT INTO message_dedupe (delivered, id_tail, id_head, fingerprint, key_head, key_tail, other_id, other_fp) "
                    + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)").executeBatch(rows));
        } finally {
            c.close().await(10, TimeUnit.SECONDS);
        }

        store = PgCoordinatorStore.open(vertx, url, 4);
        assertEquals(Migration.latestVersion(), await(store.schemaVersion())); // 9, and 10 (SQLite only: nothing here)
        // 9 + 1 + 1 + 7 standard records in 3 + 1 + 1 + 3 rows; full rows are 136-byte tuples (no null bitmap)
        assertArrayEquals(new long[] {8, 18, 136}, DbProbe.row(vertx, StoreKind.POSTGRES, url,
                "SELECT COUNT(*), COUNT(*) + COUNT(key_head_b) + COUNT(key_head_c), "
                        + "(SELECT MAX(pg_column_size(x.*)) FROM message_dedupe x WHERE key_head_c IS NOT NULL) FROM message_dedupe"));
        assertArrayEquals(new long[] {3, 2, 3}, DbProbe.row(vertx, StoreKind.POSTGRES, url,
                "SELECT COUNT(*), COUNT(other_id), COUNT(other_fp) FROM message_dedupe_other"));

        StoreMeshes.create(store, new MeshRecord(mesh, "mesh-" + mesh.substring(2), a, now), new MemberRecord(mesh, a, "owner", MemberRecord.OWNER, now));
        MemberRecord member = new MemberRecord(mesh, b, "b", MemberRecord.MEMBER, now);
        assertInstanceOf(JoinResult.Joined.class, await(store.joinWithInvite("inv-" + mesh, 10, member, StoreMeshes.joined(member))));
        // every converted record: the identical envelope a duplicate, a different one a conflict naming 16 hex
        for (var e : kept.entrySet()) {
            String id = e.getValue()[0], fp = e.getValue()[1];
            assertEquals(Optional.of(new Queued.Existing(id, fp.substring(0, 16), true)), await(store.findQueued(mesh, a, b, e.getKey())), e.getKey());
            assertEquals(new Queued.Result.Duplicate(id), enqueue(mesh, a, b, e.getKey(), fp, now), e.getKey());
            assertEquals(new Queued.Result.Conflict(id, fp.substring(0, 16)), enqueue(mesh, a, b, e.getKey(), "12".repeat(32), now), e.getKey());
        }
        assertEquals(new Queued.Result.Duplicate("odd-old-1"), enqueue(mesh, a, b, "odd-id", "fp-old", now));
        assertEquals(new Queued.Result.Conflict("odd-old-1", "fp-old"), enqueue(mesh, a, b, "odd-id", "ab".repeat(32), now));
        assertEquals(Optional.of("short"), await(store.findQueued(mesh, a, b, "odd-fp")).map(Queued.Existing::fingerprint));

        // one round of prune slices removes the eight expired records (three whole rows and one other), nothing else;
        // the record in the cutoff's own second stays until that second lies wholly before the cutoff
        int pruned = 0;
        for (int i = 0; i < DedupeRecord.PRUNE_SLICES; i++) pruned += await(store.sweep(now, RETENTION)).pruned();
        assertEquals(8, pruned);
        assertArrayEquals(new long[] {11, 2}, DbProbe.row(vertx, StoreKind.POSTGRES, url,
                "SELECT (SELECT COUNT(*) + COUNT(key_head_b) + COUNT(key_head_c) FROM message_dedupe), (SELECT COUNT(*) FROM message_dedupe_other)"));
        assertEquals(Optional.empty(), await(store.findQueued(mesh, a, b, "e0")));
        assertEquals(Optional.empty(), await(store.findQueued(mesh, a, b, "e-odd")));
        assertInstanceOf(Queued.Result.Accepted.class, enqueue(mesh, a, b, "e1", "12".repeat(32), now));
        assertEquals(Optional.of("ab".repeat(8)), await(store.findQueued(mesh, a, b, "edge")).map(Queued.Existing::fingerprint));
        pruned = 0;
        for (int i = 0; i < DedupeRecord.PRUNE_SLICES; i++) pruned += await(store.sweep(cutoffSecond + RETENTION + 1_000, RETENTION)).pruned();
        assertEquals(1, pruned);
        assertEquals(Optional.empty(), await(store.findQueued(mesh, a, b, "edge")));
        assertEquals(new Queued.Result.Duplicate(kept.get("s3")[0]), enqueue(mesh, a, b, "s3", kept.get("s3")[1], now));

        // one ack of six messages after the migration (these five and e1): five standard records in two rows (3 + 2), one verbatim
        List<Queued.Enqueue> fresh = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) fresh.add(enqueueMessage(mesh, a, b, "new" + i, Hex.encode(Sodium.randomBytes(32)), now));
        fresh.add(new Queued.Enqueue("odd-new", mesh, a, b, "new-odd", "fp-new", "next", "{}", now, now + RETENTION));
        for (Queued.Result r : await(store.enqueue(fresh, 1_000))) assertInstanceOf(Queued.Result.Accepted.class, r);
        List<Queued.Message> claimed = await(store.claim(mesh, b, "c", 0, 100, now, 30_000));
        assertEquals(6, claimed.size()); // and e1, accepted again above
        assertEquals(6, await(store.markDelivered(claimed.stream().map(m -> new Queued.AckRef(mesh, b, m.messageId())).toList(), now)));
        assertEquals(0, await(store.markDelivered(claimed.stream().map(m -> new Queued.AckRef(mesh, b, m.messageId())).toList(), now)));
        assertArrayEquals(new long[] {2, 5}, DbProbe.row(vertx, StoreKind.POSTGRES, url,
                "SELECT COUNT(*), COUNT(*) + COUNT(key_head_b) + COUNT(key_head_c) FROM message_dedupe WHERE delivered = "
                        + dev.meshwire.coordinator.store.PgDedupeRecord.seconds(now)));
        for (Queued.Enqueue e : fresh) {
            String fp16 = e.fingerprint().length() == 64 ? e.fingerprint().substring(0, 16) : e.fingerprint();
            assertEquals(new Queued.Result.Duplicate(e.messageId()), enqueue(mesh, a, b, e.clientMessageId(), e.fingerprint(), now));
            assertEquals(new Queued.Result.Conflict(e.messageId(), fp16), enqueue(mesh, a, b, e.clientMessageId(), "34".repeat(32), now));
        }
        assertArrayEquals(new long[] {0}, DbProbe.row(vertx, StoreKind.POSTGRES, url, "SELECT COUNT(*) FROM message_queue"));
    }

    /** Brings an empty database to schema {@code version}, as a coordinator of that version left it. */
    static void migrateTo(SqlClient c, int version, long now) throws Exception {
        await(c.query("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at BIGINT NOT NULL)").execute());
        for (Migration m : Migration.ALL) {
            if (m.version() > version) continue;
            for (String sql : m.statements(Migration.Dialect.POSTGRES)) await(c.query(sql).execute());
            await(c.preparedQuery("INSERT INTO schema_version VALUES ($1, $2, $3)").execute(Tuple.of(m.version(), m.description(), now)));
        }
    }

    /** A migration 8 record, encoded as its ack wrote it (PgDedupeRecord). */
    static Tuple eight(long deliveredAt, byte[] key, String id, String fp) {
        java.nio.ByteBuffer k = java.nio.ByteBuffer.wrap(key);
        boolean stdId = id.matches("msg_[0-9a-f]{24}"), stdFp = fp.matches("[0-9a-f]{64}");
        java.nio.ByteBuffer idb = java.nio.ByteBuffer.wrap(stdId ? Hex.decode(id.substring(4), 12, "id") : new byte[12]);
        long fpHead = stdFp ? java.nio.ByteBuffer.wrap(Hex.decode(fp.substring(0, 16), 8, "fp")).getLong() : 0;
        return Tuple.of(dev.meshwire.coordinator.store.PgDedupeRecord.seconds(deliveredAt), idb.getInt(8), idb.getLong(0), fpHead, k.getLong(0), k.getLong(8),
                stdId ? null : id, stdFp ? null : fp);
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
