package dev.meshwire.peer.sidecar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.home.MeshwireHome;
import dev.meshwire.peer.ipc.api.SidecarItem;
import dev.meshwire.peer.ipc.api.SidecarReport;
import dev.meshwire.peer.ipc.api.SidecarStartRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's side-car supervision with real child processes, without a side-car plug-in on this class path: the
 * child is the real CLI, which refuses the unknown verb {@code sidecar} with exit code 2 — a usage error, so the
 * bridge is {@code failed} and not restarted, with the CLI's line as its last error. The stored bridge comes back in a
 * new registry (a daemon restart); reports of side-cars not run by the daemon are listed; bad requests are refused.
 * (ManagedBridgeTest in livekit-sidecar covers a real bridge killed and restarted.)
 */
class SidecarsTest {
    @TempDir
    Path tmp;

    static void await(String what, BooleanSupplier c) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting until " + what);
            Thread.sleep(50); // polling interval of a condition wait
        }
    }

    private static SidecarItem item(Sidecars s, String name) {
        return s.list().items().stream().filter(i -> i.name().equals(name)).findFirst().orElse(null);
    }

    @Test
    void aUsageErrorIsFailedNotRestartedAndTheBridgeIsStoredAcrossRestarts() throws Exception {
        MeshwireHome home = MeshwireHome.at(tmp.resolve("home")).ensureLayout();
        SidecarStartRequest req = new SidecarStartRequest("lk", "livekit", List.of("--url", "ws://127.0.0.1:1"), System.getProperty("java.class.path"));
        try (Sidecars s = new Sidecars(home)) {
            SidecarItem started = s.start(req);
            assertTrue(started.managed(), started.toString());
            await("the child exited with a usage error", () -> "failed".equals(item(s, "lk").state()));
            SidecarItem failed = item(s, "lk");
            assertEquals(2, failed.lastExit(), failed.toString());
            assertEquals(0, failed.restarts(), "a usage error is not retried: " + failed);
            assertTrue(failed.lastError().contains("sidecar"), "the CLI's own line: " + failed);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home.daemonDir().resolve("sidecars.json"))));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home.daemonDir().resolve("sidecar-lk.log"))));
            PeerException taken = assertThrows(PeerException.class, () -> s.start(req));
            assertEquals(PeerException.BAD_REQUEST, taken.code());
        }
        try (Sidecars again = new Sidecars(home)) {
            again.startStored();
            assertTrue(item(again, "lk") != null && item(again, "lk").managed(), "stored across a restart");
            await("it ran again and failed again", () -> "failed".equals(item(again, "lk").state()));
            again.stop("lk");
            assertNull(item(again, "lk"));
            assertEquals(PeerException.UNKNOWN_SERVICE, assertThrows(PeerException.class, () -> again.stop("lk")).code());
        }
        try (Sidecars third = new Sidecars(home)) {
            third.startStored();
            assertEquals(List.of(), third.list().items(), "a stopped bridge does not come back");
        }
        // A file that cannot be read does not stop the daemon: moved aside, nothing started.
        Files.writeString(home.daemonDir().resolve("sidecars.json"), "{not json");
        try (Sidecars broken = new Sidecars(home)) {
            broken.startStored();
            assertEquals(List.of(), broken.list().items());
        }
        try (var files = Files.list(home.daemonDir())) {
            assertTrue(files.anyMatch(f -> f.getFileName().toString().startsWith("sidecars.json.bad-")), "kept for the operator");
        }
    }

    @Test
    void reportsAreListedAndBadRequestsRefused() {
        MeshwireHome home = MeshwireHome.at(tmp.resolve("home")).ensureLayout();
        try (Sidecars s = new Sidecars(home)) {
            s.report(new SidecarReport("by-hand", "livekit", 77, "team", "by-hand", "ws://h:7880", "r", true, 2, 1, 10, 2, 20, 2, 1, 0, 0, 0, 0, 0, 0, ""));
            SidecarItem i = item(s, "by-hand");
            assertEquals("reporting", i.state(), i.toString());
            assertEquals(77, i.pid());
            assertEquals(2, i.report().participants());
            for (SidecarStartRequest bad : List.of(new SidecarStartRequest("bad name", "livekit", List.of("--x"), "cp"),
                    new SidecarStartRequest("ok", "LiveKit", List.of("--x"), "cp"),
                    new SidecarStartRequest("ok", "livekit", List.of("--home", "/elsewhere"), "cp"),
                    new SidecarStartRequest("ok", "livekit", List.of("--x"), " "))) {
                assertEquals(PeerException.BAD_REQUEST, assertThrows(PeerException.class, () -> s.start(bad)).code(), bad.toString());
            }
            assertEquals(List.of("by-hand"), s.list().items().stream().map(SidecarItem::name).toList());
        }
    }
}
