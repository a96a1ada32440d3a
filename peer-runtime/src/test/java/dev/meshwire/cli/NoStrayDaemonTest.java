package dev.meshwire.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.coordinator.Coordinator;
import dev.meshwire.coordinator.CoordinatorConfig;
import dev.meshwire.peer.daemon.Daemon;
import dev.meshwire.peer.daemon.DaemonLauncher;
import dev.meshwire.peer.daemon.DaemonOptions;
import dev.meshwire.peer.home.MeshStore;
import dev.meshwire.peer.home.MeshwireHome;
import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.invite.Invite;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code mesh create} or {@code join} that fails leaves no daemon behind when the verb had to start one, and no
 * mesh on disk: real coordinator, real detached daemon processes started by the CLI.
 */
class NoStrayDaemonTest {
    @TempDir
    Path tmp;
    Coordinator coord;

    @BeforeEach
    void coordinator() throws Exception {
        coord = Coordinator.start(CoordinatorConfig.defaults(tmp.resolve("coord")).withListen("127.0.0.1", 0).withStunPort(-1));
    }

    @AfterEach
    void stop() {
        coord.close();
    }

    @Test
    void wrongAdminTokenStopsTheDaemonItStarted() {
        MeshwireHome home = MeshwireHome.at(tmp.resolve("alice"));
        CliResult r = CliResult.run("--home", home.root().toString(), "mesh", "create", "team", "--coordinator", coord.publicUrl(),
                "--name", "alice", "--admin-token", "not-the-token");
        assertEquals(ExitCodes.FAILED, r.code(), r.err());
        assertTrue(r.err().contains("starting daemon"), r.err());
        assertTrue(r.err().contains("401"), r.err());
        assertTrue(r.err().contains("stopped the daemon this command had started"), r.err());
        assertNoDaemon(home);
    }

    @Test
    void usedExpiredAndGarbageInvitesLeaveNoDaemon() throws Exception {
        try (Daemon alice = Daemon.start(DaemonOptions.of(tmp.resolve("alice")));
             Daemon carol = Daemon.start(DaemonOptions.of(tmp.resolve("carol")))) {
            var created = alice.client().createMesh(new dev.meshwire.peer.ipc.api.CreateMeshRequest("team", coord.publicUrl(), "alice", coord.adminToken()));
            String invite = created.invite();
            carol.client().join(invite, "carol"); // uses the invite's only use

            MeshwireHome bob = MeshwireHome.at(tmp.resolve("bob"));
            CliResult used = CliResult.run("--home", bob.root().toString(), "join", invite, "--name", "bob");
            assertEquals(ExitCodes.USAGE, used.code(), used.err());
            assertTrue(used.err().contains("starting daemon"), used.err());
            assertTrue(used.err().contains("stopped the daemon this command had started"), used.err());
            assertNoDaemon(bob);

            String meshId = created.mesh().meshId();
            String expired = Invite.create(Identity.generate(), coord.publicUrl(), meshId, "team",
                    System.currentTimeMillis() - 60_000, 1).encode();
            CliResult old = CliResult.run("--home", bob.root().toString(), "join", expired, "--name", "bob");
            assertEquals(ExitCodes.USAGE, old.code(), old.err());
            assertTrue(old.err().contains("expired"), old.err());
            assertNoDaemon(bob);

            CliResult garbage = CliResult.run("--home", bob.root().toString(), "join", "mw1.bm90LWFuLWludml0ZQ", "--name", "bob");
            assertEquals(ExitCodes.USAGE, garbage.code(), garbage.err());
            assertFalse(garbage.err().contains("starting daemon"), "a garbage invite is refused before any daemon starts: " + garbage.err());
            assertNoDaemon(bob);
        }
    }

    /** No live daemon for {@code home} (pid and port files gone, no process running its 'up --foreground'), no mesh stored. */
    private static void assertNoDaemon(MeshwireHome home) {
        assertTrue(DaemonLauncher.daemonPid(home).isEmpty(), "no live pid file");
        assertFalse(Files.exists(home.portFile()), "no port file: " + home.portFile());
        assertTrue(DaemonLauncher.running(home) == null, "nothing answers IPC");
        List<ProcessHandle> left = ProcessHandle.allProcesses().filter(h -> h.info().arguments()
                .map(a -> Arrays.asList(a).contains(home.root().toString()) && Arrays.asList(a).contains("--foreground")).orElse(false))
                .toList();
        assertTrue(left.isEmpty(), "no daemon process for " + home.root() + ": " + left);
        assertTrue(new MeshStore(home).list().isEmpty(), "no half-written mesh");
    }
}
