package dev.meshwire.nattest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meshwire.nattest.probe.ProbeClient;
import dev.meshwire.nattest.probe.ProbeServer;
import dev.meshwire.nattest.topology.Cmd;
import dev.meshwire.nattest.topology.Topology;
import dev.meshwire.nattest.topology.TopologySpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs the probe against a built topology: one {@link ProbeServer} in the public namespace, one
 * {@link ProbeClient} per site in that site's host namespace, each a separate JVM started with
 * {@code ip netns exec}. The probe classes need only the JDK, so the child classpath is this module's classes.
 */
public final class ProbeRunner implements AutoCloseable {
    public static final int PORT_1 = 3478;
    public static final int PORT_2 = 3479;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Topology topology;
    private final Process server;

    /** One site's outcome: expected label, the client's JSON output, and whether they agree. */
    public record SiteResult(String site, String expected, String observed, JsonNode raw, String error) {
        public boolean matches() {
            return error == null && expected.equals(observed);
        }
    }

    private ProbeRunner(Topology topology, Process server) {
        this.topology = topology;
        this.server = server;
    }

    /** Starts the server in the public namespace and waits (deadline 20 s) for its ready line. */
    public static ProbeRunner start(Topology topology) throws IOException {
        List<String> cmd = java(ProbeServer.class, TopologySpec.PUBLIC_IP_1, TopologySpec.PUBLIC_IP_2,
                String.valueOf(PORT_1), String.valueOf(PORT_2));
        Process p = topology.start(topology.publicNs(), cmd);
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
            try {
                return r.readLine();
            } catch (IOException e) {
                return null;
            }
        });
        try {
            String line = ready.get(20, TimeUnit.SECONDS);
            if (line == null || !JSON.readTree(line).path("event").asText().equals("ready")) {
                throw new IOException("probe server did not start: " + line);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for the probe server", e);
        } catch (ExecutionException | TimeoutException e) {
            p.destroyForcibly();
            throw new IOException("probe server not ready within 20 s", e);
        }
        return new ProbeRunner(topology, p);
    }

    /** Probes every site in parallel. */
    public List<SiteResult> probeAll() {
        List<Topology.Site> sites = new ArrayList<>(topology.sites().values());
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(8, Math.max(1, sites.size())));
        try {
            List<CompletableFuture<SiteResult>> fs = new ArrayList<>();
            for (Topology.Site s : sites) fs.add(CompletableFuture.supplyAsync(() -> probe(s), pool));
            List<SiteResult> out = new ArrayList<>();
            for (CompletableFuture<SiteResult> f : fs) out.add(f.join());
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    public SiteResult probe(Topology.Site s) {
        String expected = s.spec().expected().label();
        Cmd.Result r = topology.exec(s.hostNs(), java(ProbeClient.class, TopologySpec.PUBLIC_IP_1,
                TopologySpec.PUBLIC_IP_2, String.valueOf(PORT_1), String.valueOf(PORT_2)), Duration.ofSeconds(60));
        if (!r.ok()) return new SiteResult(s.spec().name(), expected, null, null, "probe client failed: " + r.output());
        try {
            String last = null;
            for (String line : r.output().split("\n")) if (line.startsWith("{")) last = line;
            if (last == null) throw new IOException("no JSON in client output: " + r.output());
            JsonNode n = JSON.readTree(last);
            return new SiteResult(s.spec().name(), expected, n.path("behaviour").asText(), n, null);
        } catch (IOException e) {
            return new SiteResult(s.spec().name(), expected, null, null, e.getMessage());
        }
    }

    static List<String> java(Class<?> main, String... args) {
        List<String> c = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto", "-cp", classesDir(), main.getName()));
        c.addAll(List.of(args));
        return c;
    }

    static String classesDir() {
        try {
            return Path.of(ProbeClient.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            server.getOutputStream().close(); // EOF on its stdin: the server exits by itself
            if (!server.waitFor(5, TimeUnit.SECONDS)) server.destroyForcibly();
        } catch (IOException e) {
            server.destroyForcibly();
        } catch (InterruptedException e) {
            server.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
