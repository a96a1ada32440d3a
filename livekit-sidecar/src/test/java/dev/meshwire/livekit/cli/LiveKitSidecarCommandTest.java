package dev.meshwire.livekit.cli;

import static dev.meshwire.livekit.bridge.BridgeFixture.KEY;
import static dev.meshwire.livekit.bridge.BridgeFixture.SECRET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.cli.ExitCodes;
import dev.meshwire.coordinator.Coordinator;
import dev.meshwire.livekit.bridge.BridgeFixture;
import dev.meshwire.peer.TwoMemberMesh;
import dev.meshwire.peer.daemon.Daemon;
import dev.meshwire.peer.daemon.DaemonOptions;
import dev.meshwire.peer.ipc.api.CreateMeshRequest;
import dev.meshwire.peer.ipc.api.ServiceItem;
import dev.meshwire.peer.home.MeshwireHome;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code meshwire sidecar livekit} in process against a real coordinator, a real daemon and the stand-in LiveKit
 * server: it runs and registers its {@code livekit-room} service; a bad key and conflicting credentials are refused
 * with one clear line.
 */
class LiveKitSidecarCommandTest {
    static final long WAIT_MS = 90_000;

    @TempDir
    Path tmp;
    private Coordinator coord;
    private Daemon alice;
    private BridgeFixture room;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void start() throws Exception {
        coord = TwoMemberMesh.coordinator(tmp);
        alice = Daemon.start(DaemonOptions.of(tmp.resolve("alice")));
        alice.client().createMesh(new CreateMeshRequest("team", coord.publicUrl(), "alice", coord.adminToken()));
        room = BridgeFixture.start(WAIT_MS);
    }

    @AfterEach
    void stop() throws Exception {
        if (room != null) room.close();
        if (alice != null) alice.close();
        if (coord != null) coord.close();
    }

    /** The sidecar verb as the meshwire root builds it, with alice's home as the call's home. */
    private CommandLine cli() {
        return new CommandLine(new SidecarCommand(() -> MeshwireHome.at(tmp.resolve("alice"))))
                .setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
    }

    private Path secretFile(String secret) throws Exception {
        Path f = tmp.resolve("secret-" + secret.hashCode());
        Files.writeString(f, secret + "\n");
        return f;
    }

    @Test
    void runsAsALiveKitRoomServiceAndStopsCleanly() throws Exception {
        CommandLine cli = cli();
        LiveKitSidecarCommand cmd = cli.getSubcommands().get("livekit").getCommand();
        String secret = secretFile(SECRET).toString();
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cli.execute("livekit", "--url", room.server().url(), "--room", "r1",
                "--mesh", "team", "--api-key", KEY, "--api-secret-file", secret));
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        while (cmd.running == null && !exit.isDone()) {
            if (System.nanoTime() > deadline) throw new AssertionError("the side-car did not start; stderr: " + err);
            Thread.sleep(50); // polling a condition
        }
        assertTrue(out.toString().startsWith("bridging LiveKit room 'r1' at " + room.server().url() + " into mesh 'team' as service 'livekit'"),
                out + " / " + err);
        ServiceItem s = alice.client().services("team").items().stream().filter(i -> i.name().equals("livekit")).findFirst().orElseThrow();
        assertEquals("livekit-room", s.type());
        assertEquals(java.util.List.of("dm:read", "dm:write", "stream:write", "topic:write"), s.scopes());
        assertEquals(1, room.server().participants("r1"));
        // Its room → mesh queue lives in the home, private; a second side-car for the same mesh and service is refused.
        Path queue = dev.meshwire.livekit.bridge.RoomQueue.fileFor(dev.meshwire.peer.home.MeshwireHome.at(tmp.resolve("alice")), "team", "livekit");
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(queue)));
        StringWriter err2 = new StringWriter();
        int second = new CommandLine(new SidecarCommand(() -> MeshwireHome.at(tmp.resolve("alice"))))
                .setOut(new PrintWriter(new StringWriter(), true)).setErr(new PrintWriter(err2, true))
                .execute("livekit", "--url", room.server().url(), "--room", "r1", "--mesh", "team", "--identity", "second", "--api-key", KEY,
                        "--api-secret-file", secret);
        assertEquals(ExitCodes.FAILED, second, err2.toString());
        assertEquals("meshwire sidecar livekit: another side-car is already running with the queue " + queue + " (same mesh and service on this home)",
                err2.toString().strip());
        assertEquals(1, room.server().participants("r1"), "the second one never joined");
        cmd.stop.countDown();
        assertEquals(ExitCodes.OK, exit.get(WAIT_MS, TimeUnit.MILLISECONDS));
    }

    @Test
    void aWrongSecretIsRefusedWithTheServersReason() throws Exception {
        int code = cli().execute("livekit", "--url", room.server().url(), "--room", "r1", "--mesh", "team",
                "--api-key", KEY, "--api-secret-file", secretFile("a-wrong-secret-of-at-least-thirty-two-bytes").toString());
        assertEquals(ExitCodes.FAILED, code, err.toString());
        assertTrue(err.toString().startsWith("meshwire sidecar livekit: the LiveKit server refused the join (HTTP 401): invalid access token"),
                err.toString());
        assertEquals(1, err.toString().strip().lines().count(), "one line, no stack trace: " + err);
        assertEquals(0, room.server().participants("r1"));
    }

    @Test
    void conflictingOrMissingCredentialsAreAUsageError() throws Exception {
        Path token = tmp.resolve("token");
        Files.writeString(token, "x");
        int both = cli().execute("livekit", "--url", room.server().url(), "--room", "r1", "--mesh", "team",
                "--api-key", KEY, "--api-secret-file", secretFile(SECRET).toString(), "--token-file", token.toString());
        assertEquals(ExitCodes.USAGE, both);
        assertTrue(err.toString().contains("give either --api-key with --api-secret-file, or --token-file, not both"), err.toString());
        int none = cli().execute("livekit", "--url", room.server().url(), "--room", "r1", "--mesh", "team");
        assertEquals(ExitCodes.USAGE, none);
        assertTrue(err.toString().contains("give --api-key with --api-secret-file, or --token-file"), err.toString());
        Path empty = tmp.resolve("empty");
        Files.writeString(empty, "  \n");
        int emptyFile = cli().execute("livekit", "--url", room.server().url(), "--room", "r1", "--mesh", "team",
                "--token-file", empty.toString());
        assertEquals(ExitCodes.USAGE, emptyFile);
        assertTrue(err.toString().contains("meshwire sidecar livekit: the token file " + empty + " is empty"), err.toString());
    }
}
