package dev.meshwire.cli;

import static dev.meshwire.peer.TestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.peer.daemon.DaemonLauncher;
import dev.meshwire.peer.home.MeshwireHome;
import dev.meshwire.peer.ipc.WireClient;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #17 item 5: concurrent starts on one home all succeed against the one daemon that wins (in
 * this JVM and from another process), and {@code down} stops a daemon whose start timed out.
 */
class DaemonStartRaceTest {
    @TempDir
    Path tmp;

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    @Test
    void concurrentUpsShareTheOneDaemonThatWins() throws Exception {
        String home = tmp.resolve("home").toString();
        MeshwireHome h = MeshwireHome.at(Path.of(home));
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<CliResult>> inJvm = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            inJvm.add(CompletableFuture.supplyAsync(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    throw new RuntimeException(e);
                }
                return CliResult.run("--home", home, "up");
            }));
        }
        // a third 'up' from another process: the start lock is an OS file lock, not only a JVM one
        Path outFile = tmp.resolve("other-up.out");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.meshwire.cli.Main", "--home", home, "up")
                .redirectErrorStream(true).redirectOutput(outFile.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        go.countDown();
        Process other = pb.start();
        long pid = -1;
        try {
            for (CompletableFuture<CliResult> f : inJvm) {
                CliResult r = f.get(120, TimeUnit.SECONDS);
                assertEquals(ExitCodes.OK, r.code(), "out: " + r.out() + "\nerr: " + r.err());
            }
            assertTrue(other.waitFor(120, TimeUnit.SECONDS), "the other process's 'up' finished");
            String otherOut = Files.readString(outFile, StandardCharsets.UTF_8);
            assertEquals(ExitCodes.OK, other.exitValue(), otherOut);
            WireClient c = WireClient.of(DaemonLauncher.running(h));
            assertTrue(c != null, "a daemon answers");
            pid = c.status().path("daemon").path("pid").asLong();
            assertEquals(pid, Long.parseLong(Files.readString(h.pidFile()).trim()));
            assertTrue(otherOut.contains("running") || otherOut.contains("started"), otherOut);
            assertEquals(List.of(pid), DaemonLauncher.daemonProcesses(h).stream().map(ProcessHandle::pid).toList(),
                    "exactly one daemon process for the home");
        } finally {
            CliResult down = CliResult.run("--home", home, "down");
            assertEquals(ExitCodes.OK, down.code(), down.err());
            if (pid > 0) {
                long p = pid;
                await("daemon exits", 30_000, () -> !alive(p));
            }
        }
    }

    @Test
    void downStopsADaemonWhoseStartTimedOut() throws Exception {
        String home = tmp.resolve("home").toString();
        MeshwireHome h = MeshwireHome.at(Path.of(home));
        // 100 ms is far less than a JVM takes to boot a daemon: the start times out, the process lives on
        CliResult up = CliResult.run("--home", home, "up", "--timeout", "100ms");
        assertEquals(ExitCodes.NO_DAEMON, up.code(), up.out() + up.err());
        assertTrue(up.err().contains("did not answer within 100 ms"), up.err());
        assertTrue(up.err().contains("meshwire down"), up.err());
        long pid = Long.parseLong(Files.readString(h.startingFile()).trim());
        try {
            assertTrue(alive(pid), "the spawned daemon is still starting");
            CliResult down = CliResult.run("--home", home, "down");
            assertEquals(ExitCodes.OK, down.code(), down.err());
            assertTrue(down.out().contains("stopped"), down.out());
            await("the daemon process is gone", 30_000, () -> !alive(pid));
            assertNull(DaemonLauncher.running(h), "no daemon answers after down");
            assertTrue(DaemonLauncher.daemonProcesses(h).isEmpty());
        } finally {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void startTimeoutParses() {
        assertEquals(60_000, DaemonLauncher.startWait(null).toMillis());
        assertEquals(90_000, DaemonLauncher.startWait("90").toMillis());
        assertEquals(1_500, DaemonLauncher.startWait("1500ms").toMillis());
        assertEquals(120_000, DaemonLauncher.startWait("2m").toMillis());
        CliResult bad = CliResult.run("--home", tmp.resolve("h").toString(), "up", "--timeout", "soon");
        assertEquals(ExitCodes.USAGE, bad.code(), bad.err());
    }
}
