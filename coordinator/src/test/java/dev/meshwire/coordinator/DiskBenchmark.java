package dev.meshwire.coordinator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.meshwire.coordinator.queue.QueueSettings;
import dev.meshwire.signaling.Canonical;
import dev.meshwire.signaling.Json;
import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.crypto.Sodium;
import dev.meshwire.signaling.envelope.Body;
import dev.meshwire.signaling.envelope.Channel;
import dev.meshwire.signaling.envelope.Envelope;
import dev.meshwire.signaling.envelope.EnvelopeSignature;
import dev.meshwire.signaling.envelope.Meta;
import dev.meshwire.signaling.envelope.Priority;
import dev.meshwire.signaling.frame.FrameCodec;
import dev.meshwire.signaling.frame.Frames;
import dev.meshwire.signaling.invite.Invite;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Coordinator disk per relayed message (issue #10 item 4; not a test): a real coordinator, a mesh with two members,
 * the recipient online and acking every {@code deliver} at once, the sender relaying N messages of S bytes of
 * ciphertext over a real WebSocket (window of 4,096 unanswered sends). Once every ack is committed, the queue's
 * disk is measured — SQLite: the database file + WAL after a {@code wal_checkpoint(TRUNCATE)} (and the pages in use,
 * i.e. without the free list); PostgreSQL: {@code pg_total_relation_size} of the queue tables, as found and after a
 * plain {@code VACUUM} — and divided by N. Everything is read with SQL only, so the same class measures a coordinator
 * without {@code message_dedupe} (the "before").
 *
 * <p>Run: {@code bench/disk-bench.sh [count] [bytes] [stores] [label]}.
 */
public final class DiskBenchmark {
    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int bytes = args.length > 1 ? Integer.parseInt(args[1]) : 1024;
        List<String> stores = List.of((args.length > 2 ? args[2] : "sqlite,postgres").split(","));
        String label = args.length > 3 ? args[3] : "run";
        Path out = Path.of(args.length > 4 ? args[4] : "bench/results");
        ArrayNode results = Json.MAPPER.createArrayNode();
        for (String s : stores) {
            ObjectNode r = run(StoreKind.valueOf(s.trim().toUpperCase(Locale.ROOT)), count, bytes);
            r.put("label", label);
            results.add(r);
            System.out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(r));
        }
        ObjectNode doc = Json.MAPPER.createObjectNode();
        doc.put("benchmark", "disk");
        doc.put("label", label);
        doc.put("date", java.time.OffsetDateTime.now().toString());
        doc.set("machine", QueueBenchmark.machine());
        doc.put("messages", count);
        doc.put("ciphertextBytes", bytes);
        doc.set("results", results);
        Files.createDirectories(out);
        Path file = out.resolve("disk-" + LocalDate.now() + "-" + label + ".json");
        Files.writeString(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(doc) + "\n");
        System.out.println("wrote " + file);
        System.exit(0); // PgCluster's shutdown hook stops the throwaway cluster
    }

    static String loadavg() throws Exception {
        return Files.readString(Path.of("/proc/loadavg")).trim();
    }

    static ObjectNode run(StoreKind kind, int count, int bytes) throws Exception {
        Path data = Files.createTempDirectory("mw-disk-bench");
        String db = kind == StoreKind.POSTGRES ? PgCluster.freshDatabase("diskbench") : null;
        QueueSettings qs = QueueSettings.defaults().withRateLimit(0, 0);
        CoordinatorConfig cfg = CoordinatorConfig.defaults(data).withListen("127.0.0.1", 0).withStunPort(-1).withDbUrl(db).withQueue(qs);
        System.out.printf("== %s: %,d messages of %,d bytes%n", kind, count, bytes);
        ObjectNode r = Json.MAPPER.createObjectNode();
        r.put("store", kind.name().toLowerCase(Locale.ROOT));
        r.put("loadavgBefore", loadavg());
        try (CoordinatorFixture fx = new CoordinatorFixture(c -> cfg)) {
            Identity alice = Identity.generate();
            Identity bob = Identity.generate();
            String meshId = fx.createMesh(alice, "disk-" + kind.name().toLowerCase(Locale.ROOT), "alice");
            Invite inv = Invite.create(alice, fx.coordinator.publicUrl(), meshId, "bench", System.currentTimeMillis() + 600_000, 10);
            QueueBenchmark.Raw bj = new QueueBenchmark.Raw(fx.vertx, fx.port());
            String n = bj.challenge.get(10, TimeUnit.SECONDS);
            bj.send(new Frames.Join("j", inv.encode(), bob.publicKeyHex(), "bob", null,
                    bob.signHex(Canonical.join(inv.inviteId(), meshId, bob.publicKeyHex(), "bob", n))));
            bj.helloAck.get(10, TimeUnit.SECONDS);
            bj.close();

            // the recipient is online and acks every deliver at once
            QueueBenchmark.Raw b = new QueueBenchmark.Raw(fx.vertx, fx.port());
            b.onText = t -> {
                int i = t.indexOf("\"messageId\":\"");
                if (i < 0 || !t.startsWith("{\"type\":\"deliver\"")) return;
                int start = i + 13;
                b.ws.writeTextMessage("{\"type\":\"client_ack\",\"messageId\":\"" + t.substring(start, t.indexOf('"', start)) + "\"}");
            };
            b.send(new Frames.Hello("h", meshId, bob.publicKeyHex(), null,
                    bob.signHex(Canonical.hello(meshId, bob.publicKeyHex(), b.challenge.get(10, TimeUnit.SECONDS)))));
            b.helloAck.get(10, TimeUnit.SECONDS);

            QueueBenchmark.Raw a = new QueueBenchmark.Raw(fx.vertx, fx.port());
            a.send(new Frames.Hello("h", meshId, alice.publicKeyHex(), null,
                    alice.signHex(Canonical.hello(meshId, alice.publicKeyHex(), a.challenge.get(10, TimeUnit.SECONDS)))));
            a.helloAck.get(10, TimeUnit.SECONDS);
            Semaphore room = new Semaphore(4096);
            AtomicInteger answered = new AtomicInteger();
            AtomicInteger errors = new AtomicInteger();
            AtomicInteger retries = new AtomicInteger();
            // Sends not yet answered, by frame id: a send refused with queue_full (the recipient's acks fell 200,000
            // behind, as on a loaded machine) is sent again after a pause, as a client would, so that every one of the
            // count messages is relayed and acked.
            java.util.Map<String, String> unanswered = new java.util.concurrent.ConcurrentHashMap<>();
            a.onText = t -> {
                boolean error = t.contains("\"type\":\"error\"");
                if (t.contains("\"type\":\"ack\"") || error) {
                    int at = t.indexOf("\"id\":\"") + 6;
                    String id = at < 6 ? null : t.substring(at, t.indexOf('"', at));
                    if (error && id != null && t.contains("\"code\":\"queue_full\"") && unanswered.containsKey(id)) {
                        retries.incrementAndGet();
                        fx.vertx.setTimer(200, x -> a.ws.writeTextMessage(unanswered.get(id)));
                        return;
                    }
                    if (id != null) unanswered.remove(id);
                    if (error && errors.incrementAndGet() <= 3) System.out.println("error: " + t);
                    room.release();
                    answered.incrementAndGet();
                }
            };
            // Frames are signed as they are sent: 1,000,000 signed 1 KiB frames would not fit the heap.
            String ct = Base64.getEncoder().encodeToString(Sodium.randomBytes(bytes));
            long t0 = System.currentTimeMillis();
            long s0 = System.nanoTime();
            for (int i = 0; i < count; i++) {
                Body body = new Body(Base64.getEncoder().encodeToString(Sodium.randomBytes(24)), ct, Body.TEXT_V1);
                Envelope env = EnvelopeSignature.sign(new Envelope(Envelope.VERSION, Channel.DM, bob.publicKeyHex(), alice.publicKeyHex(), body,
                        Meta.of("disk-" + i, Priority.NEXT, t0), null), alice);
                room.acquire();
                String frame = FrameCodec.encode(new Frames.Send("s" + i, bob.publicKeyHex(), env));
                unanswered.put("s" + i, frame);
                a.ws.writeTextMessage(frame);
                if (i > 0 && i % 100_000 == 0) System.out.printf(Locale.ROOT, "  %,d sent, %.0f s%n", i, (System.nanoTime() - s0) / 1e9);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(600);
            while (QueueBenchmark.deliveredTotal(fx) < count || answered.get() < count) {
                if (System.nanoTime() > deadline) throw new IllegalStateException("not all delivered: " + QueueBenchmark.deliveredTotal(fx));
                Thread.sleep(50);
            }
            double sec = (System.nanoTime() - s0) / 1e9;
            System.out.printf(Locale.ROOT, "relayed %,d in %.1f s = %,.0f msg/s (errors %d, queue_full retries %d)%n", count, sec, count / sec,
                    errors.get(), retries.get());
            r.put("relaySeconds", sec);
            r.put("relayPerSec", count / sec);
            r.put("errors", errors.get());
            r.put("queueFullRetries", retries.get());
            r.put("loadavgAfter", loadavg());
            a.close();
            b.close();
            if (kind == StoreKind.SQLITE) sqlite(r, data.resolve(Coordinator.DB_FILE), count);
            else postgres(r, fx, db, count);
        }
        return r;
    }

    static void sqlite(ObjectNode r, Path file, int count) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement()) {
            st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
            long fileBytes = Files.size(file);
            Path wal = Path.of(file + "-wal");
            long walBytes = Files.exists(wal) ? Files.size(wal) : 0;
            long pageSize = one(st, "PRAGMA page_size"), pages = one(st, "PRAGMA page_count"), free = one(st, "PRAGMA freelist_count");
            r.put("fileBytes", fileBytes);
            r.put("walBytes", walBytes);
            r.put("usedBytes", (pages - free) * pageSize);
            r.put("bytesPerMessage", (fileBytes + walBytes) / (double) count);
            r.put("usedBytesPerMessage", (pages - free) * pageSize / (double) count);
            r.put("queueRows", one(st, "SELECT COUNT(*) FROM message_queue"));
            r.put("dedupeRows", one(st, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'message_dedupe'") > 0
                    ? one(st, "SELECT COUNT(*) FROM message_dedupe") : -1);
            ObjectNode tables = r.putObject("bytesByTableOrIndex");
            try (ResultSet rs = st.executeQuery("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC")) {
                while (rs.next()) tables.put(rs.getString(1), rs.getLong(2));
            } catch (java.sql.SQLException e) {
                tables.put("unavailable", e.getMessage());
            }
            r.put("storeVersion", "sqlite " + one(st, "SELECT 0") + " " + c.getMetaData().getDatabaseProductVersion());
        }
    }

    static long one(Statement st, String sql) throws Exception {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static void postgres(ObjectNode r, CoordinatorFixture fx, String url, int count) throws Exception {
        SqlClient c = PgBuilder.client().connectingTo(dev.meshwire.coordinator.store.PgCoordinatorStore.connectOptions(url)).using(fx.vertx).build();
        try {
            String size = "SELECT COALESCE(SUM(pg_total_relation_size(oid)), 0)::bigint, COALESCE(SUM(pg_relation_size(oid)), 0)::bigint FROM pg_class "
                    + "WHERE relkind = 'r' AND relname IN ('message_queue', 'message_dedupe', 'message_dedupe_other')";
            Row before = c.query(size).execute().await(60, TimeUnit.SECONDS).iterator().next();
            r.put("totalBytes", before.getLong(0));
            r.put("heapBytes", before.getLong(1));
            r.put("bytesPerMessage", before.getLong(0) / (double) count);
            // per table, with its indexes and TOAST, as found (pg_total_relation_size)
            ObjectNode perTable = r.putObject("totalBytesByTable");
            for (Row row : c.query("SELECT relname, pg_total_relation_size(oid) FROM pg_class WHERE relkind = 'r' "
                    + "AND relname IN ('message_queue', 'message_dedupe', 'message_dedupe_other') ORDER BY 1").execute().await(60, TimeUnit.SECONDS)) {
                perTable.put(row.getString(0), row.getLong(1));
                r.put(row.getString(0) + "BytesPerMessage", row.getLong(1) / (double) count);
            }
            c.query("VACUUM message_queue").execute().await(600, TimeUnit.SECONDS);
            Row dedupe = c.query("SELECT to_regclass('message_dedupe') IS NOT NULL").execute().await(60, TimeUnit.SECONDS).iterator().next();
            if (dedupe.getBoolean(0)) c.query("VACUUM message_dedupe").execute().await(600, TimeUnit.SECONDS);
            Row after = c.query(size).execute().await(60, TimeUnit.SECONDS).iterator().next();
            r.put("totalBytesAfterVacuum", after.getLong(0));
            r.put("bytesPerMessageAfterVacuum", after.getLong(0) / (double) count);
            ObjectNode rels = r.putObject("bytesByRelation");
            for (Row row : c.query("SELECT c.relname, pg_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                    + "WHERE n.nspname = 'public' AND c.relname LIKE 'message_%' ORDER BY 2 DESC").execute().await(60, TimeUnit.SECONDS)) {
                rels.put(row.getString(0), row.getLong(1));
            }
            r.put("queueRows", c.query("SELECT COUNT(*) FROM message_queue").execute().await(60, TimeUnit.SECONDS).iterator().next().getLong(0));
            // migration 9 (PgDedupeRecord): up to three records per message_dedupe row
            if (c.query("SELECT to_regclass('message_dedupe_other') IS NOT NULL").execute().await(60, TimeUnit.SECONDS).iterator().next().getBoolean(0)) {
                Row d = c.query("SELECT COUNT(*), COUNT(*) + COUNT(key_head_b) + COUNT(key_head_c), (SELECT COUNT(*) FROM message_dedupe_other) "
                        + "FROM message_dedupe").execute().await(60, TimeUnit.SECONDS).iterator().next();
                r.put("dedupeRows", d.getLong(0));
                r.put("dedupeRecords", d.getLong(1) + d.getLong(2));
            }
            r.put("storeVersion", QueueBenchmark.pgVersion(url));
        } finally {
            c.close().await(10, TimeUnit.SECONDS);
        }
    }
}
