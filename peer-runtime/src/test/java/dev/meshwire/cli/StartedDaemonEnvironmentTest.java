package dev.meshwire.cli;

import static dev.meshwire.peer.TestSupport.await;
import dev.meshwire.peer.ipc.WireClient;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.peer.home.MeshwireHome;
import dev.meshwire.peer.ipc.IpcClient;
import dev.meshwire.signaling.Json;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A daemon started on demand by a real {@code meshwire} process gets only the documented environment
 * (read back from {@code /proc/PID/environ}), applies the config keys' variables, logs to daemon.log and keeps its raw
 * output in daemon.out. And {@code Main} no longer changes log levels because an argument is "coordinator".
 */
class StartedDaemonEnvironmentTest {
    @TempDir
    Path tmp;

    static Process cli(Map<String, String> env, String... args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new java.util.ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"), "dev.meshwire.cli.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().putAll(env);
        return pb.start();
    }

    static Map<String, String> environOf(long pid) throws Exception {
        Map<String, String> m = new HashMap<>();
        for (String kv : new String(Files.readAllBytes(Path.of("/proc/" + pid + "/environ")), StandardCharsets.UTF_8).split("\0")) {
            int eq = kv.indexOf('=');
            if (eq > 0) m.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return m;
    }

    @Test
    void aStartedDaemonGetsOnlyTheDocumentedVariables() throws Exception {
        Path home = tmp.resolve("home");
        Process up = cli(Map.of("MESHWIRE_P2P", "off", "MESHWIRE_ADMIN_TOKEN", "secret-admin-token", "AWS_SECRET_ACCESS_KEY", "x",
                "MESHWIRE_TEST_HOLD_ACKS", "1", "JAVA_TOOL_OPTIONS", "-Dleak=1"), "--home", home.toString(), "up");
        assertTrue(up.waitFor(90, TimeUnit.SECONDS), "up returns");
        String out = new String(up.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, up.exitValue(), out + new String(up.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        MeshwireHome h = MeshwireHome.at(home);
        long pid = Long.parseLong(Files.readString(h.pidFile()).trim());
        try {
            Map<String, String> env = environOf(pid);
            assertEquals("off", env.get("MESHWIRE_P2P"), "a config key's variable passes");
            assertEquals("1", env.get("MESHWIRE_TEST_HOLD_ACKS"), "test hooks pass");
            assertTrue(env.containsKey("PATH"));
            for (String gone : List.of("MESHWIRE_ADMIN_TOKEN", "AWS_SECRET_ACCESS_KEY", "JAVA_TOOL_OPTIONS")) {
                assertFalse(env.containsKey(gone), gone + " must not reach the daemon: " + env.keySet());
            }
            JsonNode st = WireClient.forHome(h).status();
            assertEquals("off", st.path("daemon").path("p2p").path("mode").asText(), "the variable was applied");
            await("daemon.log has the daemon's info lines", 30_000, () -> {
                try {
                    return Files.readString(h.logFile()).contains(" INFO ");
                } catch (Exception e) {
                    return false;
                }
            });
            assertTrue(Files.readString(h.outFile()).contains("meshwire daemon running"), "the raw start line is in daemon.out");
        } finally {
            CliResult.run("--home", home.toString(), "down");
            await("daemon exits", 30_000, () -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
        }
    }

    @Test
    void upSetBeatsTheConfigFileAndABadFileStopsTheStartWithItsReason() throws Exception {
        Path home = tmp.resolve("set");
        assertEquals(ExitCodes.OK, CliResult.run("--home", home.toString(), "config", "set", "p2p.mode", "off").code());
        CliResult up = CliResult.run("--home", home.toString(), "up", "--set", "p2p.mode=force", "--set", "log.level=warn");
        assertEquals(ExitCodes.OK, up.code(), up.err());
        MeshwireHome h = MeshwireHome.at(home);
        long pid = Long.parseLong(Files.readString(h.pidFile()).trim());
        try {
            assertEquals("force", WireClient.forHome(h).status().path("daemon").path("p2p").path("mode").asText(), "the flag beats the file");
            // the daemon logs "daemon up" at info: at warn, daemon.log has no info line
            assertFalse(Files.readString(h.logFile()).contains(" INFO "), "log.level=warn reached the daemon: " + Files.readString(h.logFile()));
        } finally {
            CliResult.run("--home", home.toString(), "down");
            await("daemon exits", 30_000, () -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
        }
        Files.writeString(home.resolve("config.json"), "{\"p2p.mode\": \"sometimes\"}");
        CliResult bad = CliResult.run("--home", home.toString(), "up");
        assertEquals(ExitCodes.USAGE, bad.code(), "the starting command reads the same file first: " + bad.err());
        CliErrorsTest.assertOneLine(bad);
        assertTrue(bad.err().contains("p2p.mode in " + home.resolve("config.json") + " must be auto, off or force (got 'sometimes')"), bad.err());
    }

    @Test
    void anArgumentCalledCoordinatorDoesNotTurnOnInfoLogs() throws Exception {
        Path home = tmp.resolve("quiet");
        CliResult r = CliResult.run("--home", home.toString(), "send", "coordinator", "hi");
        assertEquals(ExitCodes.NOT_FOUND, r.code(), r.err());
        assertFalse(LoggerFactory.getLogger("dev.meshwire.cli.Main").isInfoEnabled(), "one-shot verbs stay at warn");
        // the real entry point, as a process: one error line, no log lines
        Process p = cli(Map.of(), "--home", home.toString(), "send", "coordinator", "hi");
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(ExitCodes.NOT_FOUND, p.exitValue(), err);
        assertEquals(1, err.strip().lines().count(), err);
        assertTrue(err.startsWith("meshwire: no meshes joined"), err);
    }
}
