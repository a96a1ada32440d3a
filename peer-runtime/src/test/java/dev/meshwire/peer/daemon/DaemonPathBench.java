package dev.meshwire.peer.daemon;

import dev.meshwire.coordinator.Coordinator;
import dev.meshwire.coordinator.CoordinatorConfig;
import dev.meshwire.peer.events.DaemonEvent;
import dev.meshwire.peer.ipc.WireClient;
import dev.meshwire.peer.ipc.api.InboxItem;
import dev.meshwire.peer.p2p.P2pMode;
import dev.meshwire.peer.p2p.P2pSettings;
import dev.meshwire.peer.p2p.SessionState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Direct vs relay through full daemons (IPC send → outbox → transport → receiver's inbound
 * processor → inbox commit → {@code message} event), one coordinator and three daemons in one JVM:
 * alice → bob over the data channel (p2p auto, after the upgrade), alice → carol over the
 * coordinator relay (carol has p2p off). Latency: one message at a time, from the IPC send call to
 * the receiver's {@code message} event (same clock); p50/p99. Throughput: {@code count} messages of
 * {@code size} bytes sent as fast as IPC takes them, until the last arrives.
 * Usage: {@code bench/p2p-daemon-bench.sh [rounds=500] [count=2000] [size=1024]}; writes
 * {@code bench/results/p2p-daemons-<date>.json}.
 */
public final class DaemonPathBench {
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        int size = args.length > 2 ? Integer.parseInt(args[2]) : 1024;
        Path tmp = Files.createTempDirectory("meshwire-bench");
        Coordinator coord = Coordinator.start(CoordinatorConfig.defaults(tmp.resolve("coord")).withListen("127.0.0.1", 0).withStunPort(-1));
        Daemon alice = Daemon.start(DaemonOptions.of(tmp.resolve("alice")));
        Daemon bob = Daemon.start(DaemonOptions.of(tmp.resolve("bob")));
        Daemon carol = Daemon.start(DaemonOptions.of(tmp.resolve("carol")).withP2p(P2pSettings.defaults().withMode(P2pMode.OFF)));
        Map<String, Object> out = new LinkedHashMap<>();
        try {
            WireClient a = WireClient.of(alice.client());
            var created = a.createMesh("bench", coord.publicUrl(), "alice", coord.adminToken());
            WireClient.of(bob.client()).join(a.post("/v1/invite", WireClient.map("mesh", "bench", "uses", 1)).path("invite").asText(), "bob");
            String bobPub = bob.session("bench").selfPubkey();
            WireClient.of(carol.client()).join(a.post("/v1/invite", WireClient.map("mesh", "bench", "uses", 1)).path("invite").asText(), "carol");
            waitFor(() -> alice.session("bench").roster().peer(bobPub) != null && alice.session("bench").roster().peer(bobPub).online()
                    && alice.session("bench").roster().peer(carol.session("bench").selfPubkey()) != null
                    && alice.session("bench").roster().peer(carol.session("bench").selfPubkey()).online());
            a.post("/v1/send", WireClient.map("to", "bob", "message", "warm-up"));
            String meshId = alice.session("bench").config().meshId();
            waitFor(() -> alice.direct().get(meshId) != null && alice.direct().get(meshId).engine().state(bobPub) == SessionState.OPEN);
            out.put("date", LocalDate.now().toString());
            out.put("cpus", Runtime.getRuntime().availableProcessors());
            out.put("direct", measure(a, bob, "bob", rounds, count, size));
            out.put("relay", measure(a, carol, "carol", rounds, count, size));
            out.put("aliceP2pMetrics", alice.direct().metrics().snapshot());
            out.put("directPath", alice.direct().path(meshId, bobPub).path());
        } finally {
            carol.close();
            bob.close();
            alice.close();
            coord.close();
        }
        String json = dev.meshwire.signaling.Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(out);
        Path file = Path.of("bench/results/p2p-daemons-" + LocalDate.now() + ".json");
        Files.createDirectories(file.getParent());
        Files.writeString(file, json);
        System.out.println(json);
        System.exit(0);
    }

    private static Map<String, Object> measure(WireClient a, Daemon to, String name, int rounds, int count, int size) throws Exception {
        LinkedBlockingQueue<String> arrivals = new LinkedBlockingQueue<>();
        Map<String, Long> arrivedAt = new ConcurrentHashMap<>();
        try (AutoCloseable sub = to.events().subscribe(ev -> {
            if (DaemonEvent.MESSAGE.equals(ev.type())) {
                String t = ((InboxItem) ev.data()).text();
                arrivedAt.put(t.substring(0, Math.min(40, t.length())), System.nanoTime());
                arrivals.add(t);
            }
        })) {
            long[] lat = new long[rounds];
            String path = null;
            for (int i = 0; i < rounds; i++) {
                String text = "lat-" + name + "-" + i;
                long t0 = System.nanoTime();
                a.post("/v1/send", WireClient.map("to", name, "message", text));
                String got;
                while (!(got = arrivals.poll(30, TimeUnit.SECONDS)).equals(text)) { /* skip stragglers */ }
                lat[i] = System.nanoTime() - t0;
            }
            for (var m : WireClient.of(to.client()).inbox(null, 1).path("items")) path = m.path("path").asText();
            Arrays.sort(lat);
            arrivals.clear();
            String pad = "x".repeat(Math.max(0, size - 20));
            long t0 = System.nanoTime();
            String last = null;
            for (int i = 0; i < count; i++) {
                last = "tp-" + name + "-" + i + "-";
                a.post("/v1/send", WireClient.map("to", name, "message", last + pad));
            }
            int got = 0;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (got < count && System.nanoTime() < deadline) {
                String t = arrivals.poll(30, TimeUnit.SECONDS);
                if (t != null && t.startsWith("tp-" + name)) got++;
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("path", path);
            r.put("rounds", rounds);
            r.put("latencyP50Ms", lat[rounds / 2] / 1e6);
            r.put("latencyP99Ms", lat[(int) Math.min(rounds - 1, Math.ceil(rounds * 0.99) - 1)] / 1e6);
            r.put("latencyMaxMs", lat[rounds - 1] / 1e6);
            r.put("throughputMessages", got);
            r.put("messageBytes", size);
            r.put("throughputMsgPerSec", got / secs);
            r.put("throughputMiBPerSec", got * (double) size / secs / (1024 * 1024));
            return r;
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier cond) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("condition not met within 60 s");
            Thread.sleep(20);
        }
    }
}
