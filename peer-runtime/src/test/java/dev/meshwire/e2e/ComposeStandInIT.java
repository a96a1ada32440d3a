package dev.meshwire.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.coordinator.PgCluster;
import dev.meshwire.peer.TestSupport;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docker/compose.yaml without Docker: every service's own command and environment, run as plain processes of the
 * packaged CLI, in the order its {@code depends_on} and health checks give, then its smoke profile (bob sends alice a
 * message; alice's inbox must show it). Only what Docker itself provides is stood in for, and nothing else is
 * rewritten: the {@code postgres} service is a throwaway PostgreSQL cluster ({@link PgCluster}) with a fresh database,
 * service host names resolve to 127.0.0.1, each named volume is a directory, the image's {@code meshwire} entrypoint
 * is a script running target/meshwire.jar, and the port variables the file exposes get free ports. So a changed flag,
 * verb, path or variable in the file breaks this test, not a user's {@code docker compose up}.
 */
class ComposeStandInIT {
    static final Path COMPOSE = Path.of("..", "docker", "compose.yaml").toAbsolutePath().normalize();
    static final Path DOCKERFILE = Path.of("..", "docker", "Dockerfile").toAbsolutePath().normalize();
    static final Duration HEALTHY_WITHIN = Duration.ofSeconds(240);

    @TempDir
    Path dir;

    private final List<Process> running = new ArrayList<>();
    private final Map<String, Path> logs = new LinkedHashMap<>();

    @Test
    void theComposeServicesRunAsTheyAreWrittenAndPassTheSmokeTest() throws Exception {
        Map<String, String> vars = new HashMap<>();
        vars.put("MESHWIRE_PORT", Integer.toString(freeTcpPort()));
        vars.put("MESHWIRE_TURN_PORT", Integer.toString(freeUdpAndTcpPort()));
        int relay = freeUdpPort();
        vars.put("MESHWIRE_TURN_RELAY_PORTS", relay + "-" + Math.min(65535, relay + 20));
        vars.put("MESHWIRE_PUBLIC_IP", "127.0.0.1");
        ComposeFile compose = new ComposeFile(COMPOSE, vars);

        // The coordinator's --db must name the postgres service's own user and database; that URL is then the
        // throwaway cluster's fresh database (what the postgres container would be).
        ComposeFile.Service pg = compose.service("postgres");
        String composeDb = "postgresql://" + pg.environment().get("POSTGRES_USER") + "@postgres:5432/" + pg.environment().get("POSTGRES_DB");
        ComposeFile.Service coordinator = compose.service("coordinator");
        assertTrue(coordinator.command().contains(composeDb), "coordinator --db should be " + composeDb + ": " + coordinator.command());
        assertEquals(List.of("postgres"), coordinator.dependsOn());
        String db = PgCluster.freshDatabase("compose");

        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path wrapper = bin.resolve("meshwire");
        Files.writeString(wrapper, "#!/bin/sh\nexec '" + Cli.javaBin() + "' -jar '" + Cli.JAR + "' \"$@\"\n");
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> imageEnv = imageEnvironment();
        Map<String, Path> volumes = new HashMap<>();
        Map<String, String> hosts = Map.of(composeDb, db);

        try {
            start(compose, coordinator, imageEnv, volumes, bin, hosts);
            awaitHealthy(compose, coordinator, imageEnv, volumes, bin, hosts);

            ComposeFile.Service alice = compose.service("peer-alice");
            ComposeFile.Service bob = compose.service("peer-bob");
            assertTrue(alice.dependsOn().contains("coordinator") && bob.dependsOn().contains("coordinator"));
            start(compose, alice, imageEnv, volumes, bin, hosts);
            start(compose, bob, imageEnv, volumes, bin, hosts);
            awaitHealthy(compose, alice, imageEnv, volumes, bin, hosts);
            awaitHealthy(compose, bob, imageEnv, volumes, bin, hosts);

            ComposeFile.Service send = compose.service("smoke-send");
            ComposeFile.Service smoke = compose.service("smoke");
            assertEquals(List.of("smoke"), send.profiles());
            assertEquals(List.of("smoke"), smoke.profiles());
            Finished sent = runToEnd(compose, send, imageEnv, volumes, bin, hosts, Duration.ofSeconds(120));
            assertEquals(0, sent.exit(), "smoke-send: " + sent.output() + logsText());
            Finished checked = runToEnd(compose, smoke, imageEnv, volumes, bin, hosts, Duration.ofSeconds(150));
            assertEquals(0, checked.exit(), "smoke: " + checked.output() + logsText());
            assertTrue(checked.output().contains("smoke: alice received bob's message"), checked.output());

            // The invite bob joined with carried the coordinator's MESHWIRE_PUBLIC_URL (the service name, here mapped
            // to 127.0.0.1), not a URL derived from --listen 0.0.0.0.
            String invite = Files.readString(volumes.get("invites").resolve("invite")).trim();
            String json = new String(java.util.Base64.getUrlDecoder().decode(invite.substring("mw1.".length())), StandardCharsets.UTF_8);
            String publicUrl = map(coordinator.environment().get("MESHWIRE_PUBLIC_URL"), Map.of(), hosts);
            assertTrue(json.contains("\"" + publicUrl + "\""), "invite " + json + " should carry " + publicUrl);
        } finally {
            stopAll(compose, imageEnv, volumes, bin, hosts);
        }
    }

    /** {@code docker compose config} accepts the file where compose is installed; elsewhere the test says why it skipped. */
    @Test
    void dockerComposeConfigValidatesTheFile() throws Exception {
        List<String> compose = composeCommand();
        Assumptions.assumeTrue(compose != null,
                "skipped: neither 'docker compose' (the compose plugin) nor 'docker-compose' is installed here, so the file cannot be validated by compose itself");
        List<String> cmd = new ArrayList<>(compose);
        cmd.addAll(List.of("-f", COMPOSE.toString(), "config", "--quiet"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "compose config did not finish");
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ":\n" + out);
    }

    private static List<String> composeCommand() {
        for (List<String> c : List.of(List.of("docker", "compose"), List.of("docker-compose"))) {
            try {
                List<String> v = new ArrayList<>(c);
                v.add("version");
                Process p = new ProcessBuilder(v).redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) return c;
            } catch (IOException e) {
                // not installed
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    // ---- running a service as a process ----

    private record Finished(int exit, String output) {}

    /** The final stage's {@code ENV NAME=value} lines of docker/Dockerfile: the environment every container starts with. */
    private static Map<String, String> imageEnvironment() throws IOException {
        List<String> lines = Files.readAllLines(DOCKERFILE);
        int lastFrom = 0;
        for (int i = 0; i < lines.size(); i++) if (lines.get(i).startsWith("FROM ")) lastFrom = i;
        Map<String, String> env = new LinkedHashMap<>();
        Matcher m;
        for (String line : lines.subList(lastFrom, lines.size())) {
            if ((m = Pattern.compile("^ENV\\s+([A-Za-z_][A-Za-z0-9_]*)=(\\S*)\\s*$").matcher(line)).matches()) env.put(m.group(1), m.group(2));
        }
        return env;
    }

    /** The image's ENTRYPOINT: ["meshwire"] (checked), which the wrapper script on PATH stands in for. */
    private static List<String> imageEntrypoint() throws IOException {
        String ep = Files.readAllLines(DOCKERFILE).stream().filter(l -> l.startsWith("ENTRYPOINT ")).reduce((a, b) -> b).orElseThrow();
        assertEquals("ENTRYPOINT [\"meshwire\"]", ep.trim(), "the stand-in runs 'meshwire' as the image's entrypoint");
        return List.of("meshwire");
    }

    /**
     * {@code text} with what Docker provides replaced: the database URL of the postgres service, service host names in
     * URLs ({@code //name:} and {@code @name:}) by 127.0.0.1, and container paths of named volumes by their directories.
     */
    private static String map(String text, Map<String, Path> containerPaths, Map<String, String> hosts) {
        String out = text;
        for (Map.Entry<String, String> h : hosts.entrySet()) out = out.replace(h.getKey(), h.getValue());
        out = out.replaceAll("(//|@)(coordinator|postgres|peer-alice|peer-bob):", "$1127.0.0.1:");
        List<String> paths = new ArrayList<>(containerPaths.keySet());
        paths.sort(Comparator.comparingInt(String::length).reversed());
        for (String p : paths) {
            out = out.replaceAll("(?<![\\w./-])" + Pattern.quote(p) + "(?![\\w.-])", Matcher.quoteReplacement(containerPaths.get(p).toString()));
        }
        return out;
    }

    /** The service's container paths mapped to its named volumes' directories (created 0700, as the image does). */
    private Map<String, Path> mounts(ComposeFile.Service s, Map<String, Path> volumes) throws IOException {
        Map<String, Path> m = new LinkedHashMap<>();
        for (Map.Entry<String, String> v : s.volumes().entrySet()) {
            Path d = volumes.get(v.getValue());
            if (d == null) {
                d = Files.createDirectories(dir.resolve("volumes").resolve(v.getValue()));
                Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwx------"));
                volumes.put(v.getValue(), d);
            }
            m.put(v.getKey(), d);
        }
        return m;
    }

    private ProcessBuilder builder(ComposeFile compose, ComposeFile.Service s, List<String> argv, Map<String, String> imageEnv,
                                   Map<String, Path> volumes, Path bin, Map<String, String> hosts) throws IOException {
        Map<String, Path> mounts = mounts(s, volumes);
        List<String> cmd = new ArrayList<>();
        for (String a : argv) cmd.add(map(a, mounts, hosts));
        // Java looks a bare program name up in the test JVM's PATH, not the child's: resolve 'meshwire' to the wrapper.
        if (cmd.get(0).equals("meshwire")) cmd.set(0, bin.resolve("meshwire").toString());
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        env.clear(); // a container starts with the image's and the service's environment only
        env.put("PATH", bin + ":/usr/local/bin:/usr/bin:/bin");
        env.put("HOME", dir.resolve("home-" + s.name()).toString());
        for (Map.Entry<String, String> e : imageEnv.entrySet()) env.put(e.getKey(), map(e.getValue(), mounts, hosts));
        for (Map.Entry<String, String> e : s.environment().entrySet()) env.put(e.getKey(), map(e.getValue(), mounts, hosts));
        return pb;
    }

    /** entrypoint + command, as Docker joins them (the image's entrypoint when the service sets none). */
    private static List<String> argv(ComposeFile.Service s) throws IOException {
        List<String> argv = new ArrayList<>(s.entrypoint() != null ? s.entrypoint() : imageEntrypoint());
        if (s.command() != null) argv.addAll(s.command());
        return argv;
    }

    private void start(ComposeFile compose, ComposeFile.Service s, Map<String, String> imageEnv, Map<String, Path> volumes,
                       Path bin, Map<String, String> hosts) throws IOException {
        Path log = dir.resolve(s.name() + ".log");
        logs.put(s.name(), log);
        ProcessBuilder pb = builder(compose, s, argv(s), imageEnv, volumes, bin, hosts).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        running.add(pb.start());
    }

    private Finished runToEnd(ComposeFile compose, ComposeFile.Service s, Map<String, String> imageEnv, Map<String, Path> volumes,
                              Path bin, Map<String, String> hosts, Duration limit) throws Exception {
        Path log = dir.resolve(s.name() + ".log");
        logs.put(s.name(), log);
        Process p = builder(compose, s, argv(s), imageEnv, volumes, bin, hosts).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (!p.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(s.name() + " did not finish within " + limit + logsText());
        }
        return new Finished(p.exitValue(), Files.readString(log));
    }

    /** Runs the service's health check ({@code CMD-SHELL}: through sh -c, as Docker does) until it passes. */
    private void awaitHealthy(ComposeFile compose, ComposeFile.Service s, Map<String, String> imageEnv, Map<String, Path> volumes,
                              Path bin, Map<String, String> hosts) {
        List<String> test = s.healthcheck();
        assertTrue(test != null && test.size() == 2 && test.get(0).equals("CMD-SHELL"), s.name() + " healthcheck: " + test);
        TestSupport.await(s.name() + " healthy (" + test.get(1) + ")" + logsText(), HEALTHY_WITHIN, () -> {
            for (Process p : running) {
                if (!p.isAlive() && p.exitValue() != 0) throw new AssertionError("a service exited with " + p.exitValue() + logsText());
            }
            try {
                Process p = builder(compose, s, List.of("sh", "-c", test.get(1)), imageEnv, volumes, bin, hosts)
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return false;
                }
                return p.exitValue() == 0;
            } catch (IOException e) {
                throw new AssertionError(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        });
    }

    /** SIGTERM to every service (the daemons and the coordinator shut down cleanly), then {@code meshwire down} per peer home as a backstop. */
    private void stopAll(ComposeFile compose, Map<String, String> imageEnv, Map<String, Path> volumes, Path bin, Map<String, String> hosts) throws Exception {
        for (int i = running.size() - 1; i >= 0; i--) {
            Process p = running.get(i);
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly();
        }
        for (String peer : List.of("peer-alice", "peer-bob")) {
            ComposeFile.Service s = compose.service(peer);
            Process p = builder(compose, s, List.of("meshwire", "down"), imageEnv, volumes, bin, hosts)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) p.destroyForcibly();
        }
    }

    private String logsText() {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, Path> e : logs.entrySet()) {
            try {
                String t = Files.readString(e.getValue());
                b.append("\n--- ").append(e.getKey()).append(" ---\n").append(t.length() > 6000 ? "…" + t.substring(t.length() - 6000) : t);
            } catch (IOException ex) {
                b.append("\n--- ").append(e.getKey()).append(": no log");
            }
        }
        return b.toString();
    }

    private static int freeTcpPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** A port free for both TCP and UDP (the TURN server listens on both). */
    private static int freeUdpAndTcpPort() throws IOException {
        for (int i = 0; i < 50; i++) {
            int p = freeTcpPort();
            try (DatagramSocket s = new DatagramSocket(p)) {
                return p;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no port free for both TCP and UDP");
    }
}
