package dev.meshwire.nattest.matrix;

import dev.meshwire.nattest.topology.Cmd;
import dev.meshwire.nattest.topology.Topology;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code meshwire coordinator} as the matrix runs it: one process in a namespace of a {@link Topology}, started
 * through {@link Topology#start} (so it stops when the topology closes), with its data directory and log in the
 * directory given to {@link #start}. Which STUN/TURN it runs and hands out is the caller's {@code iceFlags}
 * ({@link #iceFlags}).
 */
public final class CoordinatorProcess {
    static final long START_DEADLINE_MS = 30_000;

    private final String ip;
    private final int port;
    private final Path dataDir;
    private final Path log;

    private CoordinatorProcess(String ip, int port, Path dataDir, Path log) {
        this.ip = ip;
        this.port = port;
        this.dataDir = dataDir;
        this.log = log;
    }

    /**
     * The flags that choose the coordinator's STUN/TURN. meshwire: its embedded STUN/TURN server on
     * {@code turnPort} (UDP and TCP on one port, the secret it generates into its data directory, the default peer
     * policy that refuses private and CGNAT peers), relaying from {@code relayPorts} (MIN-MAX). coturn: its own
     * server answers STUN only on {@code stunPort} and it hands out {@code coturnUrls} with the secret in
     * {@code coturnSecret}. none: STUN only on {@code stunPort}.
     */
    public static List<String> iceFlags(TurnChoice turn, int turnPort, String relayPorts, int stunPort, List<String> coturnUrls,
                                        Path coturnSecret) {
        List<String> f = new ArrayList<>();
        switch (turn) {
            case MESHWIRE -> f.addAll(List.of("--turn-port", String.valueOf(turnPort), "--turn-relay-ports", relayPorts));
            case COTURN -> {
                f.addAll(List.of("--stun-port", String.valueOf(stunPort)));
                for (String u : coturnUrls) f.addAll(List.of("--turn-url", u));
                f.addAll(List.of("--turn-secret-file", coturnSecret.toString()));
            }
            case NONE -> f.addAll(List.of("--stun-port", String.valueOf(stunPort), "--no-turn"));
        }
        return f;
    }

    /**
     * Starts {@code java -jar jar coordinator --listen ip:port --data dir/coord <flags>} in {@code ns} and returns
     * once it says it listens and has written its admin token; its output goes to {@code dir/coordinator.log}.
     * Throws at once if it exits (e.g. a bad flag), or after 30 s.
     */
    public static CoordinatorProcess start(Topology t, String ns, Path jar, String ip, int port, Path dir, List<String> flags)
            throws IOException, InterruptedException {
        Path data = dir.resolve("coord"), log = dir.resolve("coordinator.log");
        Files.createDirectories(data);
        StringBuilder c = new StringBuilder("exec " + Path.of(System.getProperty("java.home"), "bin", "java") + " -jar " + jar
                + " coordinator --listen " + ip + ":" + port + " --data " + data);
        for (String f : flags) c.append(" '").append(f.replace("'", "'\\''")).append("'");
        Process p = t.start(ns, List.of("sh", "-c", c + " > " + log + " 2>&1"));
        CoordinatorProcess cp = new CoordinatorProcess(ip, port, data, log);
        long deadline = System.currentTimeMillis() + START_DEADLINE_MS;
        while (System.currentTimeMillis() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains("coordinator listening")
                    && Files.exists(data.resolve("admin-token"))) return cp;
            // the pause between polls doubles as the check that it is still alive (a bad flag exits at once)
            if (p.waitFor(100, TimeUnit.MILLISECONDS)) {
                throw new IOException("coordinator exited with " + p.exitValue() + " before listening: " + lastLine(log));
            }
        }
        throw new IOException("coordinator did not start within " + START_DEADLINE_MS + " ms (see " + log + ")");
    }

    private static String lastLine(Path log) throws IOException {
        if (!Files.exists(log)) return "(no output)";
        return Files.readAllLines(log).stream().filter(l -> !l.isBlank()).reduce((a, b) -> b).orElse("(no output)");
    }

    /** ws://ip:port, what a mesh is created against. */
    public String url() {
        return "ws://" + ip + ":" + port;
    }

    public String adminToken() throws IOException {
        return Files.readString(dataDir.resolve("admin-token")).trim();
    }

    /** The secret the embedded TURN server generated into the data directory (with {@link TurnChoice#MESHWIRE}). */
    public String turnSecret() throws IOException {
        return Files.readString(dataDir.resolve("turn-secret")).trim();
    }

    public Path log() {
        return log;
    }

    /**
     * The coordinator's {@code /metrics} (Prometheus text), read from inside {@code ns} (the harness cannot reach the
     * namespace's addresses) with {@link HttpFetch} from {@code classes}; null when it cannot be read.
     */
    public String metrics(Topology t, String ns, Path classes) {
        Cmd.Result r = t.exec(ns, List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                classes.toString(), HttpFetch.class.getName(), "http://" + ip + ":" + port + "/metrics"), Duration.ofSeconds(30));
        return r.ok() ? r.output() : null;
    }

    /**
     * The embedded TURN server's counters ({@link #metrics}); the scrape is kept in {@code keep}. Unknown when it
     * cannot be read: evidence only.
     */
    public TurnEvidence turnEvidence(Topology t, String ns, Path classes, Path keep) {
        String m = metrics(t, ns, classes);
        try {
            Files.writeString(keep, m == null ? "(/metrics could not be read)\n" : m);
        } catch (IOException e) {
            // the copy is for a human reading the cell's logs only
        }
        return m == null ? TurnEvidence.UNKNOWN : TurnEvidence.fromMetrics(m);
    }
}
