package dev.meshwire.peer.daemon;

import static dev.meshwire.peer.TestSupport.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.peer.home.MeshwireHome;
import dev.meshwire.peer.ipc.WireClient;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A daemon as a separate process ({@code meshwire up --foreground}, this JVM's class path), with its own
 * environment and working directory, so that tests can freeze it (SIGSTOP), kill it, or look at what it
 * leaves on disk. Plus the IPC probes such tests share.
 */
public final class ForegroundDaemon {
    private final Process process;
    private final WireClient client;

    private ForegroundDaemon(Process process, WireClient client) {
        this.process = process;
        this.client = client;
    }

    /**
     * Starts the daemon of {@code home} in working directory {@code cwd} with {@code env} added to this JVM's
     * environment (test hooks of this JVM's environment removed first) and waits until its IPC answers.
     */
    public static ForegroundDaemon start(MeshwireHome home, Path cwd, Map<String, String> env) throws IOException {
        home.ensureLayout();
        Files.createDirectories(cwd);
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                "dev.meshwire.cli.Main", "--home", home.root().toString(), "up", "--foreground")
                .directory(cwd.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(home.logFile().toFile()))
                .redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("MESHWIRE_TEST_"));
        pb.environment().putAll(env);
        Files.createDirectories(home.logFile().getParent());
        Process p = pb.start();
        WireClient c = await("the daemon of " + home.root() + " answers on its IPC", Duration.ofSeconds(60), () -> {
            if (!p.isAlive()) throw new AssertionError("the daemon exited (code " + p.exitValue() + "); see " + home.logFile());
            WireClient x = WireClient.forHome(home);
            return x != null && x.alive() ? x : null;
        });
        return new ForegroundDaemon(p, c);
    }

    public static ForegroundDaemon start(MeshwireHome home, Map<String, String> env) throws IOException {
        return start(home, home.root(), env);
    }

    public Process process() {
        return process;
    }

    public WireClient client() {
        return client;
    }

    /** Sends {@code kill -SIG pid} (STOP, CONT, ...). */
    public void signal(String sig) throws Exception {
        ForegroundDaemon.signal(sig, process.pid());
    }

    /** Asks the daemon to stop over its IPC and waits until the process is gone. */
    public void shutdown() throws InterruptedException {
        client.shutdown();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the daemon stops");
    }

    /** Kills the process if the test left it running. */
    public void destroy() {
        if (process.isAlive()) process.destroyForcibly();
    }

    static void signal(String sig, long pid) throws Exception {
        Process k = new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).inheritIO().start();
        assertTrue(k.waitFor(10, TimeUnit.SECONDS) && k.exitValue() == 0, "kill -" + sig + " " + pid);
    }

    /** True when {@code cl} lists the peer named {@code name} as online. */

    /** How often each inbox text starting with {@code prefix} is in {@code cl}'s inbox. */
    static Map<String, Integer> inboxCounts(WireClient cl, String prefix) {
        Map<String, Integer> n = new HashMap<>();
        for (JsonNode m : cl.inbox(null, 10_000).path("items")) {
            String t = m.path("text").asText();
            if (t.startsWith(prefix)) n.merge(t, 1, Integer::sum);
        }
        return n;
    }
}
