package dev.meshwire.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.peer.home.MeshwireHome;
import dev.meshwire.peer.ipc.WireClient;
import dev.meshwire.signaling.Json;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Issue #17 acceptance: a kill -9 of the coordinator, of the sender and of the receiver each recovers
 * within 3 s p95, measured as kill → both links connected → the next message delivered, over N
 * rounds. Real processes from the packaged jar: {@code meshwire coordinator} (restarted at once on
 * the same port and data, as a supervisor would) and two daemons run as {@code meshwire up
 * --foreground} (a killed daemon is started again at once, as systemd's {@code Restart=always}
 * would). Both daemons use the default settings (reconnect ladder with full jitter and the
 * coordinator health probe; direct channels per {@code MESHWIRE_P2P}, default auto).
 *
 * <p>Usage (from {@code peer-runtime/}, after {@code package}): {@code RecoveryBench [rounds=20]
 * [resultsDir=../bench/results]}; {@code bench/recovery-bench.sh} does it all. Ends the JVM with
 * {@link System#exit} (no daemon threads linger, but be explicit like the other benches).
 */
public final class RecoveryBench {
    static final long ROUND_LIMIT_MS = 60_000;
    static final String[] KINDS = {"coordinator", "sender", "receiver"};

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        Path resultsDir = Path.of(args.length > 1 ? args[1] : "../bench/results");
        if (!Files.exists(Cli.JAR)) throw new IllegalStateException("no " + Cli.JAR + ": build it with mvn -pl peer-runtime -am package -DskipTests");
        Path tmp = Files.createTempDirectory("meshwire-recovery-bench");
        String loadStart = loadavg();
        Map<String, List<long[]>> samples = new LinkedHashMap<>();
        Map<String, Integer> timeouts = new LinkedHashMap<>();
        for (String k : KINDS) {
            samples.put(k, new ArrayList<>());
            timeouts.put(k, 0);
        }
        int exit = 0;
        CoordinatorProcess coord = CoordinatorProcess.start(tmp);
        Node alice = new Node(tmp.resolve("alice"));
        Node bob = new Node(tmp.resolve("bob"));
        try {
            alice.start();
            bob.start();
            alice.awaitIpc();
            bob.awaitIpc();
            alice.ipc().createMesh("bench", coord.wsUrl(), "alice", coord.adminToken());
            String invite = alice.ipc().invite("bench", 5, 3_600_000).path("invite").asText();
            bob.ipc().join(invite, "bob");
            long[] warm = measure(alice, bob, "warm-up", System.currentTimeMillis());
            System.out.printf("warm-up: links %d ms, delivered %d ms%n", warm[0], warm[1]);
            for (int r = 1; r <= rounds; r++) {
                for (String kind : KINDS) {
                    long t0 = System.currentTimeMillis();
                    switch (kind) {
                        case "coordinator" -> {
                            coord.kill9();
                            coord.restart(); // returns once /health answers
                        }
                        case "sender" -> {
                            alice.kill9();
                            alice.start();
                            alice.awaitIpc();
                        }
                        default -> {
                            bob.kill9();
                            bob.start();
                            bob.awaitIpc();
                        }
                    }
                    long up = System.currentTimeMillis() - t0;
                    long[] m = measure(alice, bob, kind + "-" + r, t0);
                    long[] s = {m[0], m[1], up, m[1] - up};
                    if (s[1] >= ROUND_LIMIT_MS) timeouts.merge(kind, 1, Integer::sum);
                    samples.get(kind).add(s);
                    System.out.printf("round %2d %-11s kill → restarted process answers %5d ms, → links connected %5d ms, → next message delivered %5d ms%n",
                            r, kind, s[2], s[0], s[1]);
                }
            }
        } catch (Throwable t) {
            t.printStackTrace();
            exit = 2;
        } finally {
            alice.stop();
            bob.stop();
            coord.close();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("date", LocalDate.now().toString());
        out.put("rounds", rounds);
        out.put("cpus", Runtime.getRuntime().availableProcessors());
        out.put("p2p", System.getenv().getOrDefault("MESHWIRE_P2P", "auto"));
        out.put("measured", "kill -9 -> restart at once -> both daemons' links connected -> a message alice -> bob in bob's inbox");
        for (String k : KINDS) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("killToProcessAnswersMs", stats(samples.get(k), 2));
            m.put("killToLinksConnectedMs", stats(samples.get(k), 0));
            m.put("killToDeliveredMs", stats(samples.get(k), 1));
            m.put("processAnswersToDeliveredMs", stats(samples.get(k), 3)); // the part after the restart itself
            m.put("roundsOver3s", samples.get(k).stream().filter(x -> x[1] > 3000).count());
            m.put("roundsOver60s", timeouts.get(k));
            out.put(k, m);
        }
        out.put("targetP95Ms", 3000);
        out.put("loadAverageAtStart", loadStart);
        out.put("loadAverageAtEnd", loadavg());
        String json = Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(out);
        System.out.println(json);
        Files.createDirectories(resultsDir);
        String tag = System.getenv().getOrDefault("BENCH_TAG", "");
        Files.writeString(resultsDir.resolve("recovery-" + LocalDate.now() + (tag.isBlank() ? "" : "-" + tag) + ".json"), json + "\n");
        System.exit(exit);
    }

    /** @return {t0 → both links connected, t0 → a fresh message delivered} in ms (capped at the round limit) */
    static long[] measure(Node alice, Node bob, String tag, long t0) throws Exception {
        long deadline = t0 + ROUND_LIMIT_MS;
        boolean linked = waitUntil(deadline, () -> alice.connected() && bob.connected());
        long links = System.currentTimeMillis() - t0;
        if (!linked) return new long[] {ROUND_LIMIT_MS, ROUND_LIMIT_MS};
        String text = "recovery-" + tag + "-" + System.nanoTime();
        // the send itself may race a link that just dropped again: retry until the deadline
        waitUntil(deadline, () -> {
            try {
                alice.ipc().send("bench", "bob", text);
                return true;
            } catch (RuntimeException e) {
                return false;
            }
        });
        boolean delivered = waitUntil(deadline, () -> bob.has(text));
        long done = System.currentTimeMillis() - t0;
        return new long[] {links, delivered ? done : ROUND_LIMIT_MS};
    }

    static boolean waitUntil(long deadline, BooleanSupplier cond) throws InterruptedException {
        while (System.currentTimeMillis() < deadline) {
            try {
                if (cond.getAsBoolean()) return true;
            } catch (RuntimeException e) {
                // not yet (IPC not up, status mid-change)
            }
            Thread.sleep(20); // polling a condition with a deadline
        }
        return false;
    }

    static Map<String, Object> stats(List<long[]> samples, int idx) {
        long[] v = samples.stream().mapToLong(s -> s[idx]).sorted().toArray();
        Map<String, Object> m = new LinkedHashMap<>();
        if (v.length == 0) return m;
        m.put("p50", pct(v, 50));
        m.put("p95", pct(v, 95));
        m.put("max", v[v.length - 1]);
        m.put("min", v[0]);
        m.put("all", Arrays.stream(v).boxed().toList());
        return m;
    }

    /** Nearest-rank percentile. */
    static long pct(long[] sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static String loadavg() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** A daemon as {@code meshwire up --foreground}, the way a service manager runs it. */
    static final class Node {
        final Path home;
        Process process;

        Node(Path home) {
            this.home = home;
        }

        void start() throws IOException {
            Files.createDirectories(home);
            process = new ProcessBuilder(Cli.javaBin(), "-jar", Cli.JAR.toString(), "--home", home.toString(), "up", "--foreground")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolveSibling(home.getFileName() + ".log").toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        }

        void awaitIpc() throws InterruptedException {
            if (!waitUntil(System.currentTimeMillis() + 60_000, () -> ipcOrNull() != null)) {
                throw new IllegalStateException("daemon " + home + " did not answer IPC within 60 s");
            }
        }

        WireClient ipcOrNull() {
            WireClient c = WireClient.forHome(MeshwireHome.at(home));
            return c != null && c.alive() ? c : null;
        }

        WireClient ipc() {
            WireClient c = ipcOrNull();
            if (c == null) throw new IllegalStateException("daemon not answering");
            return c;
        }

        boolean connected() {
            WireClient c = ipcOrNull();
            if (c == null) return false;
            JsonNode meshes = c.status().path("meshes");
            return meshes.size() > 0 && "connected".equals(meshes.get(0).path("state").asText());
        }

        boolean has(String text) {
            WireClient c = ipcOrNull();
            if (c == null) return false;
            for (JsonNode m : c.inbox(null, 100, true, false).path("items")) if (text.equals(m.path("text").asText())) return true;
            return false;
        }

        void kill9() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(20, TimeUnit.SECONDS);
        }

        void stop() {
            if (process == null) return;
            process.destroy();
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) process.destroyForcibly();
            } catch (InterruptedException e) {
                process.destroyForcibly();
            }
        }
    }
}
