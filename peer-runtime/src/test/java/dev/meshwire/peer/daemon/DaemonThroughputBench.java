package dev.meshwire.peer.daemon;

import dev.meshwire.coordinator.Coordinator;
import dev.meshwire.coordinator.CoordinatorConfig;
import dev.meshwire.peer.events.DaemonEvent;
import dev.meshwire.peer.ipc.WireClient;
import dev.meshwire.peer.ipc.api.InboxItem;
import dev.meshwire.peer.p2p.P2pMode;
import dev.meshwire.peer.p2p.P2pSettings;
import dev.meshwire.peer.p2p.SessionState;
import dev.meshwire.signaling.Json;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The daemon user path at full speed (issue #10 item 2): app → IPC {@code POST /v1/send} (or the batch route) →
 * outbox commit → drain → path → receiving daemon's verify → inbox commit → ack → {@code message} event. One
 * coordinator (SQLite) and three daemons in one JVM: alice → bob over the data channel (p2p auto, after the
 * upgrade), alice → carol over the coordinator relay (carol has p2p off). The app is a keep-alive HTTP/1.1 client
 * ({@code java.net.http}) with {@code window} sends outstanding; a message counts when the receiver's
 * {@code message} event fires (its inbox row is committed and its ack has gone out).
 *
 * <p>Per path and round: <b>throughput</b> ({@code seconds} of sending with the window full; msg/s over the messages
 * that arrived, latency send → event) and <b>paced</b> (a send every 1/{@code rate} s for {@code seconds}; latency
 * from the scheduled send time, so a stall counts for every message it delays). Paths are interleaved per round.
 *
 * <p>Usage: {@code bench/daemon-bench.sh [seconds=10] [rounds=3] [window=256] [rate=5000] [batch=0] [bytes=1024]
 * [paced seconds=seconds]}; {@code rate} 0 skips the paced part. {@code cpuUsPerMsg}: CPU time of the whole JVM per
 * message that arrived (every component shares it), a figure the load of other processes does not change much;
 * {@code jitUsPerMsg}: the JIT compiler threads' part of it, {@code cpuUsPerMsgExJit} the rest.
 * {@code batch} &gt; 0 sends through {@code POST /v1/send/batch} with that many messages per call.
 * Writes {@code bench/results/daemon-<stamp>[-label].json} (label: {@code -Dbench.label=...}). {@code -Dbench.paths=direct}
 * (or {@code relay}) measures one path only; {@code -Dbench.warmup=N}: seconds of uncounted warm-up per path (3).
 */
public final class DaemonThroughputBench {
    private static final Map<String, long[]> pending = new ConcurrentHashMap<>();

    public static void main(String[] args) throws Exception {
        int seconds = arg(args, 0, 10);
        int rounds = arg(args, 1, 3);
        int window = arg(args, 2, 256);
        int rate = arg(args, 3, 5000);
        int batch = arg(args, 4, 0);
        int size = arg(args, 5, 1024);
        int pacedSeconds = arg(args, 6, seconds);
        // -Dbench.paths=direct (or relay) measures one path only, e.g. to profile it alone.
        List<String> paths = List.of(System.getProperty("bench.paths", "direct,relay").split(","));
        Path tmp = Files.createTempDirectory("meshwire-bench");
        Coordinator coord = Coordinator.start(CoordinatorConfig.defaults(tmp.resolve("coord")).withListen("127.0.0.1", 0)
                .withStunPort(-1).withQueue(dev.meshwire.coordinator.queue.QueueSettings.defaults().withRateLimit(0, 0)));
        Daemon alice = Daemon.start(DaemonOptions.of(tmp.resolve("alice")));
        Daemon bob = Daemon.start(DaemonOptions.of(tmp.resolve("bob")));
        Daemon carol = Daemon.start(DaemonOptions.of(tmp.resolve("carol")).withP2p(P2pSettings.defaults().withMode(P2pMode.OFF)));
        Map<String, Object> out = new LinkedHashMap<>();
        try {
            WireClient a = WireClient.of(alice.client());
            a.createMesh("bench", coord.publicUrl(), "alice", coord.adminToken());
            WireClient.of(bob.client()).join(a.post("/v1/invite", WireClient.map("mesh", "bench", "uses", 1)).path("invite").asText(), "bob");
            WireClient.of(carol.client()).join(a.post("/v1/invite", WireClient.map("mesh", "bench", "uses", 1)).path("invite").asText(), "carol");
            String bobPub = bob.session("bench").selfPubkey();
            String carolPub = carol.session("bench").selfPubkey();
            waitFor(() -> alice.session("bench").roster().peer(bobPub) != null && alice.session("bench").roster().peer(bobPub).online()
                    && alice.session("bench").roster().peer(carolPub) != null && alice.session("bench").roster().peer(carolPub).online());
            a.post("/v1/send", WireClient.map("to", "bob", "message", "warm-up"));
            String meshId = alice.session("bench").config().meshId();
            waitFor(() -> alice.direct().get(meshId) != null && alice.direct().get(meshId).engine().state(bobPub) == SessionState.OPEN);
            for (Daemon d : List.of(bob, carol)) {
                d.events().subscribe(ev -> {
                    if (DaemonEvent.MESSAGE.equals(ev.type())) {
                        String t = ((InboxItem) ev.data()).text();
                        int end = t.indexOf('|');
                        long[] slot = end < 0 ? null : pending.remove(t.substring(0, end));
                        if (slot != null) {
                            slot[1] = System.nanoTime();
                            ((Semaphore) SEMAPHORE[0]).release();
                            ARRIVED.incrementAndGet();
                        }
                    }
                });
            }
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            Sender sender = new Sender(http, "http://127.0.0.1:" + alice.ipcPort(), alice.token(), batch, size);
            // Warm-up: the JIT and both paths, not counted.
            int warm = Integer.getInteger("bench.warmup", 3);
            throughput(sender, "bob", warm, window, "w");
            throughput(sender, "carol", warm, window, "w");
            List<Map<String, Object>> results = new ArrayList<>();
            for (int r = 1; r <= rounds; r++) {
                for (String[] p : new String[][] {{"direct", "bob"}, {"relay", "carol"}}) {
                    if (!paths.contains(p[0])) continue;
                    idle(alice, meshId);
                    Map<String, Object> t = throughput(sender, p[1], seconds, window, "t" + r);
                    t.put("round", r);
                    t.put("path", p[0]);
                    t.put("mode", "throughput");
                    results.add(t);
                    System.err.println(Json.MAPPER.writeValueAsString(t));
                    if (rate <= 0) continue; // throughput only
                    idle(alice, meshId);
                    Map<String, Object> q = paced(sender, p[1], pacedSeconds, rate, "p" + r);
                    q.put("round", r);
                    q.put("path", p[0]);
                    q.put("mode", "paced");
                    results.add(q);
                    System.err.println(Json.MAPPER.writeValueAsString(q));
                }
            }
            out.put("date", LocalDateTime.now().toString());
            out.put("label", System.getProperty("bench.label", ""));
            out.put("cpus", Runtime.getRuntime().availableProcessors());
            out.put("loadBefore", System.getProperty("bench.load", ""));
            out.put("loadAfter", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            out.put("seconds", seconds);
            out.put("pacedSeconds", pacedSeconds);
            out.put("window", window);
            out.put("pacedRate", rate);
            out.put("batch", batch);
            out.put("messageBytes", size);
            out.put("directPath", alice.direct().path(meshId, bobPub).path());
            out.put("results", results);
            out.put("aliceP2pMetrics", alice.direct().metrics().snapshot());
            // How bob acked alice's direct messages: one ACK frame each, or ACKS frames for many (docs/p2p.md).
            out.put("aliceAckFramesReceived", alice.direct().get(meshId).engine().ackFramesReceived());
            out.put("aliceAckGroupFramesReceived", alice.direct().get(meshId).engine().ackGroupFramesReceived());
        } finally {
            carol.close();
            bob.close();
            alice.close();
            coord.close();
        }
        String json = Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(out);
        String label = System.getProperty("bench.label", "");
        Path file = Path.of("bench/results/daemon-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
                + (label.isEmpty() ? "" : "-" + label) + ".json");
        Files.createDirectories(file.getParent());
        Files.writeString(file, json);
        System.out.println(json);
        System.exit(0);
    }

    private static final Object[] SEMAPHORE = new Object[1];
    private static final AtomicLong ARRIVED = new AtomicLong();

    /** The app: sends one message per call ({@code /v1/send}) or {@code batch} per call ({@code /v1/send/batch}). */
    private record Sender(HttpClient http, String base, String token, int batch, int size) {
        String pad() { return "x".repeat(Math.max(0, size - 24)); }

        /** Sends {@code keys} (already registered as pending) to {@code to}; counts failures. */
        void send(String to, List<String> keys, AtomicLong failures) {
            String pad = pad();
            String body;
            String path;
            if (batch > 0) {
                StringBuilder b = new StringBuilder("{\"messages\":[");
                for (int i = 0; i < keys.size(); i++) {
                    if (i > 0) b.append(',');
                    b.append("{\"to\":\"").append(to).append("\",\"message\":\"").append(keys.get(i)).append('|').append(pad).append("\"}");
                }
                body = b.append("]}").toString();
                path = "/v1/send/batch";
            } else {
                body = "{\"to\":\"" + to + "\",\"message\":\"" + keys.get(0) + '|' + pad + "\"}";
                path = "/v1/send";
            }
            HttpRequest req = HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json").timeout(Duration.ofSeconds(60))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).whenComplete((res, t) -> {
                if (t != null || res.statusCode() / 100 != 2) {
                    if (failures.incrementAndGet() < 5) System.err.println("send failed: " + (t != null ? t : res.statusCode() + " " + res.body()));
                    for (String k : keys) {
                        if (pending.remove(k) != null) ((Semaphore) SEMAPHORE[0]).release();
                    }
                }
            });
        }
    }

    private static Map<String, Object> throughput(Sender s, String to, int seconds, int window, String tag) throws Exception {
        Semaphore sem = new Semaphore(window);
        SEMAPHORE[0] = sem;
        AtomicLong failures = new AtomicLong();
        List<long[]> slots = new ArrayList<>();
        int per = Math.max(1, s.batch());
        long cpu0 = cpuNanos();
        long jit0 = jitNanos();
        long t0 = System.nanoTime();
        long end = t0 + TimeUnit.SECONDS.toNanos(seconds);
        long arrivedBefore = ARRIVED.get();
        int n = 0;
        while (System.nanoTime() < end) {
            sem.acquire(per);
            List<String> keys = new ArrayList<>(per);
            for (int i = 0; i < per; i++) {
                String k = tag + "-" + to + "-" + n++;
                long[] slot = {System.nanoTime(), 0};
                slots.add(slot);
                pending.put(k, slot);
                keys.add(k);
            }
            s.send(to, keys, failures);
        }
        long sentEnd = System.nanoTime();
        // Wait for the stragglers (bounded), then measure over what arrived.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!pending.isEmpty() && System.nanoTime() < deadline) Thread.sleep(5);
        long last = 0;
        List<Long> lat = new ArrayList<>();
        for (long[] sl : slots) {
            if (sl[1] != 0) {
                last = Math.max(last, sl[1]);
                lat.add(sl[1] - sl[0]);
            }
        }
        pending.clear();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("sent", n);
        r.put("arrived", lat.size());
        r.put("failures", failures.get());
        r.put("msgPerSec", round(lat.size() / ((last - t0) / 1e9)));
        long cpu = cpuNanos() - cpu0;
        long jit = jitNanos() - jit0;
        r.put("cpuUsPerMsg", round(cpu / 1e3 / Math.max(1, lat.size())));
        // The JIT compilers' share (still busy in a short run on a loaded machine; a long-running daemon stops paying it).
        r.put("jitUsPerMsg", round(jit / 1e3 / Math.max(1, lat.size())));
        r.put("cpuUsPerMsgExJit", round((cpu - jit) / 1e3 / Math.max(1, lat.size())));
        r.put("sendPhaseSec", round((sentEnd - t0) / 1e9));
        putLatency(r, lat);
        r.put("arrivedCounter", ARRIVED.get() - arrivedBefore);
        return r;
    }

    /** At most this many paced messages outstanding: beyond it the pacer waits (and the wait counts in the latency). */
    private static final int PACED_CAP = 4096;

    private static Map<String, Object> paced(Sender s, String to, int seconds, int rate, String tag) throws Exception {
        Semaphore sem = new Semaphore(PACED_CAP);
        SEMAPHORE[0] = sem;
        AtomicLong failures = new AtomicLong();
        int per = Math.max(1, s.batch());
        int total = seconds * rate;
        List<long[]> slots = new ArrayList<>(total);
        long t0 = System.nanoTime();
        double interval = 1e9 / rate * per;
        int n = 0;
        for (int call = 0; n < total; call++) {
            long due = t0 + (long) (call * interval);
            long wait;
            while ((wait = due - System.nanoTime()) > 0) LockSupport.parkNanos(wait);
            sem.acquire(per);
            List<String> keys = new ArrayList<>(per);
            for (int i = 0; i < per && n < total; i++) {
                String k = tag + "-" + to + "-" + n++;
                long[] slot = {due, 0};
                slots.add(slot);
                pending.put(k, slot);
                keys.add(k);
            }
            s.send(to, keys, failures);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!pending.isEmpty() && System.nanoTime() < deadline) Thread.sleep(5);
        long last = 0;
        List<Long> lat = new ArrayList<>();
        for (long[] sl : slots) {
            if (sl[1] != 0) {
                last = Math.max(last, sl[1]);
                lat.add(sl[1] - sl[0]);
            }
        }
        pending.clear();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("rate", rate);
        r.put("sent", n);
        r.put("arrived", lat.size());
        r.put("failures", failures.get());
        r.put("achievedMsgPerSec", round(lat.size() / ((last - t0) / 1e9)));
        putLatency(r, lat);
        return r;
    }

    /** Waits until the sender's outbox has nothing unfinished (what a timed-out call left behind is not measured). */
    private static void idle(Daemon alice, String meshId) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (!(alice.outboxStore().unfinished(meshId) == 0 && alice.drain().outstanding() == 0) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    /** CPU time of this whole JVM (app, the three daemons and the coordinator) so far. */
    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /**
     * CPU time of the JIT compiler threads alive now (Linux {@code /proc/self/task}; 0 elsewhere). Compiler threads that
     * ended in between are missing from the difference, so the bench script turns dynamic compiler threads off.
     */
    private static long jitNanos() {
        long ticks = 0;
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    String comm = Files.readString(t.resolve("comm")).trim();
                    if (!comm.startsWith("C1 Compiler") && !comm.startsWith("C2 Compiler")) continue;
                    String stat = Files.readString(t.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14 and 15)
                } catch (java.io.IOException | RuntimeException gone) {
                    // the thread ended while we looked
                }
            }
        } catch (java.io.IOException e) {
            return 0;
        }
        return ticks * 10_000_000L; // USER_HZ = 100
    }

    private static void putLatency(Map<String, Object> r, List<Long> lat) {
        long[] a = lat.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(a);
        if (a.length == 0) return;
        r.put("p50Ms", round(a[a.length / 2] / 1e6));
        r.put("p90Ms", round(a[(int) Math.min(a.length - 1, Math.ceil(a.length * 0.90) - 1)] / 1e6));
        r.put("p99Ms", round(a[(int) Math.min(a.length - 1, Math.ceil(a.length * 0.99) - 1)] / 1e6));
        r.put("maxMs", round(a[a.length - 1] / 1e6));
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private static int arg(String[] args, int i, int def) {
        return args.length > i ? Integer.parseInt(args[i]) : def;
    }

    private static void waitFor(java.util.function.BooleanSupplier cond) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("condition not met within 60 s");
            Thread.sleep(20);
        }
    }
}
