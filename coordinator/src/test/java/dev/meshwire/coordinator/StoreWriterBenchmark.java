package dev.meshwire.coordinator;

import dev.meshwire.coordinator.store.CoordinatorStore;
import dev.meshwire.coordinator.store.Queued;
import dev.meshwire.signaling.crypto.Hex;
import dev.meshwire.signaling.crypto.Sodium;
import io.vertx.core.Vertx;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The SQLite writer thread's CPU per message, without WebSockets or event loops (a benchmark, not a test): the store's
 * groups are driven directly, one after another, so the number is the writer's own work and hardly moves with the
 * machine's load (which made the end-to-end drain's rate swing 3× between runs on the shared VM).
 *
 * <ul>
 *   <li><b>drain</b>: N rows queued for an offline recipient, then groups of (acks of the previous claim, a claim of
 *       {@code batch} rows) until the queue is empty — the queue benchmark's drain.</li>
 *   <li><b>relay</b>: groups of {@code batch} sends to an online recipient, its claim, and the acks of the previous
 *       group's rows — the relay benchmark's steady state.</li>
 * </ul>
 *
 * <p>Run: {@code java -cp <coordinator test classpath> dev.meshwire.coordinator.StoreWriterBenchmark [count=50000]
 * [batch=500] [rounds=3]}. Prints the writer thread's CPU µs per message for each mode and round.
 */
public final class StoreWriterBenchmark {
    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        Vertx vertx = Vertx.vertx();
        String envelope = envelope();
        for (int r = 1; r <= rounds; r++) {
            for (String mode : System.getProperty("bench.modes", "drain,relay").split(",")) {
                Path dir = Files.createTempDirectory("mw-writer-bench");
                String url = StoreKind.SQLITE.freshUrl(dir, "bench");
                CoordinatorStore store = StoreKind.SQLITE.open(vertx, url);
                try {
                    scratchSql(url);
                    String[] mesh = mesh(store);
                    double us = mode.equals("drain") ? drain(store, mesh, envelope, count, batch) : relay(store, mesh, envelope, count, batch);
                    System.out.printf(Locale.ROOT, "round %d %s: writer %.1f µs/msg (batch %d, %,d messages, load %s)%n", r, mode, us, batch,
                            count, Files.readString(Path.of("/proc/loadavg")).substring(0, 14));
                } finally {
                    store.close();
                }
            }
        }
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    /**
     * A scratch knob for finding what each part of the schema costs: {@code -Dbench.sql="DROP INDEX a|DROP INDEX b"}
     * runs those statements ({@code |}-separated) through a second connection before the run (the store's statements are
     * prepared again on the schema change). E.g. a {@code BEFORE INSERT} trigger with {@code RAISE(IGNORE)} skips an insert.
     * Not for measurements of record: such a schema no longer keeps the store's guarantees.
     */
    static void scratchSql(String url) throws Exception {
        String sql = System.getProperty("bench.sql", "");
        if (sql.isBlank()) return;
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url); java.sql.Statement st = c.createStatement()) {
            for (String s : sql.split("\\|")) st.execute(s.trim());
        }
    }

    /** An Envelope v2 of the queue benchmark's size (1 KiB of ciphertext in base64). */
    static String envelope() {
        return "{\"v\":2,\"channel\":\"dm\",\"to\":\"" + Hex.encode(Sodium.randomBytes(32)) + "\",\"from\":\"" + Hex.encode(Sodium.randomBytes(32))
                + "\",\"body\":{\"nonce\":\"" + Base64.getEncoder().encodeToString(Sodium.randomBytes(24)) + "\",\"ciphertext\":\""
                + Base64.getEncoder().encodeToString(Sodium.randomBytes(1024)) + "\",\"format\":\"text/v1\"},\"meta\":{\"priority\":\"next\"},\"sig\":\""
                + Hex.encode(Sodium.randomBytes(64)) + "\"}";
    }

    /** [meshId, sender, recipient]. */
    static String[] mesh(CoordinatorStore store) throws Exception {
        return StoreMeshes.ownerAndMember(store, "bench");
    }

    static int seq;

    static List<Queued.Enqueue> sends(String[] mesh, String envelope, int n) {
        long now = System.currentTimeMillis();
        List<Queued.Enqueue> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new Queued.Enqueue("msg_" + Hex.encode(Sodium.randomBytes(12)), mesh[0], mesh[1], mesh[2], "c" + seq++,
                    Hex.encode(Sodium.randomBytes(32)), "next", envelope, now, now + 86_400_000L));
        }
        return out;
    }

    static List<Queued.AckRef> acks(String[] mesh, List<Queued.Message> rows) {
        return rows.stream().map(m -> new Queued.AckRef(mesh[0], mesh[2], m.messageId())).toList();
    }

    static double drain(CoordinatorStore store, String[] mesh, String envelope, int count, int batch) throws Exception {
        for (int i = 0; i < count; i += 1000) {
            StoreMeshes.await(store.commitGroup(new Queued.Group(sends(mesh, envelope, Math.min(1000, count - i)), 1_000_000, List.of(), List.of(),
                    System.currentTimeMillis())));
        }
        long cpu0 = writerCpuNanos();
        List<Queued.Message> previous = List.of();
        long cursor = 0;
        int acked = 0;
        while (true) {
            Queued.GroupResult r = StoreMeshes.await(store.commitGroup(new Queued.Group(List.of(), 1_000_000, acks(mesh, previous),
                    List.of(new Queued.ClaimRequest(mesh[0], mesh[2], "c_bench", cursor, batch, 30_000)), System.currentTimeMillis())));
            acked += r.delivered();
            previous = r.claimed().get(0);
            if (previous.isEmpty()) break;
            cursor = previous.get(previous.size() - 1).seq();
        }
        if (acked != count) throw new IllegalStateException("acked " + acked + " of " + count);
        return (writerCpuNanos() - cpu0) / 1e3 / count;
    }

    static double relay(CoordinatorStore store, String[] mesh, String envelope, int count, int batch) throws Exception {
        long cpu0 = writerCpuNanos();
        List<Queued.Message> previous = List.of();
        long cursor = 0;
        int acked = 0;
        for (int i = 0; i < count + batch; i += batch) { // the last pass only acks (count need not be a multiple of batch)
            List<Queued.Enqueue> sends = i < count ? sends(mesh, envelope, Math.min(batch, count - i)) : List.of();
            Queued.GroupResult r = StoreMeshes.await(store.commitGroup(new Queued.Group(sends, 1_000_000, acks(mesh, previous),
                    List.of(new Queued.ClaimRequest(mesh[0], mesh[2], "c_bench", cursor, batch, 30_000)), System.currentTimeMillis())));
            acked += r.delivered();
            previous = r.claimed().get(0);
            if (!previous.isEmpty()) cursor = previous.get(previous.size() - 1).seq();
        }
        if (acked != count) throw new IllegalStateException("acked " + acked + " of " + count);
        return (writerCpuNanos() - cpu0) / 1e3 / count;
    }

    /** CPU time of the store's writer thread (meshwire-sqlite-*) so far. */
    static long writerCpuNanos() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (ThreadInfo i : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (i != null && i.getThreadName().startsWith("meshwire-sqlite")) sum += mx.getThreadCpuTime(i.getThreadId());
        }
        return sum;
    }
}
