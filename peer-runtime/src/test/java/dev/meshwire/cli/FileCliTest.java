package dev.meshwire.cli;

import static dev.meshwire.peer.TestSupport.await;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.cli.CliProcess.Run;
import dev.meshwire.coordinator.Coordinator;
import dev.meshwire.coordinator.CoordinatorConfig;
import dev.meshwire.peer.daemon.Daemon;
import dev.meshwire.peer.daemon.DaemonOptions;
import dev.meshwire.peer.ipc.IpcClient;
import dev.meshwire.peer.ipc.api.CreateMeshRequest;
import dev.meshwire.peer.ipc.api.FileItem;
import dev.meshwire.peer.p2p.P2pMode;
import dev.meshwire.peer.p2p.P2pSettings;
import dev.meshwire.signaling.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code meshwire file send|receive|list|cancel} as separate CLI processes against real daemons and a real coordinator
 * (relay only, so the test needs no WebRTC): the sender's terminal shows the wait for the peer and the final line; the
 * receiver's {@code --json} ends with a {@code done} event and the file is saved with the sender's SHA-256; a second
 * file of the same name does not overwrite the first; a declined offer ends the sender's command with exit 1 and one
 * line naming the reason; a path that is not a file is a usage error.
 */
class FileCliTest {
    static final long WAIT = 120_000;

    @TempDir
    static Path tmp;
    static Coordinator coord;
    static Daemon alice, bob;

    @BeforeAll
    static void setUp() throws Exception {
        coord = Coordinator.start(CoordinatorConfig.defaults(tmp.resolve("coord")).withListen("127.0.0.1", 0).withStunPort(-1));
        P2pSettings off = P2pSettings.defaults().withMode(P2pMode.OFF);
        alice = Daemon.start(DaemonOptions.of(tmp.resolve("alice")).withP2p(off));
        bob = Daemon.start(DaemonOptions.of(tmp.resolve("bob")).withP2p(off));
        IpcClient a = alice.client();
        a.createMesh(new CreateMeshRequest("team", coord.publicUrl(), "alice", coord.adminToken()));
        bob.client().join(a.invite(null, 1, 3_600_000L).invite(), "bob");
        await("alice sees bob online", WAIT, () -> a.peers("team").items().stream().anyMatch(p -> "bob".equals(p.name()) && p.online()));
    }

    @AfterAll
    static void tearDown() {
        if (bob != null) bob.close();
        if (alice != null) alice.close();
        if (coord != null) coord.close();
    }

    static CliProcess cli() {
        return new CliProcess("dev.meshwire.cli.Main", tmp, WAIT);
    }

    static Path file(String name, int size, long seed) throws Exception {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return Files.write(tmp.resolve(name), b);
    }

    static FileItem offeredToBob() {
        return bob.client().files(50).items().stream().filter(f -> "in".equals(f.direction()) && "offered".equals(f.state())).findFirst().orElse(null);
    }

    @Test
    void sendOnATerminalReceiveAsJsonNothingOverwrittenDeclineFails() throws Exception {
        Path src = file("report.bin", 3 * 1024 * 1024 + 17, 1);
        Path saveDir = tmp.resolve("saved");
        String home = tmp.resolve("alice").toString();
        String bobHome = tmp.resolve("bob").toString();

        // 1. alice sends on a terminal; bob receives the one waiting offer with --json.
        CompletableFuture<Run> sending = CompletableFuture.supplyAsync(() -> {
            try {
                return cli().pty(Map.of(), "--home", home, "file", "send", "bob", src.toString());
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        await("bob has the offer", WAIT, () -> offeredToBob() != null);
        Run received = cli().piped(Map.of(), "--home", bobHome, "file", "receive", "--save-dir", saveDir.toString(), "--json");
        assertEquals(0, received.code(), received.out() + received.err());
        List<JsonNode> events = new ArrayList<>();
        for (String line : received.out().split("\n")) if (!line.isBlank()) events.add(Json.MAPPER.readTree(line));
        // Not on a terminal: --json progress events (the first poll prints one at once), then the final one.
        JsonNode first = events.get(0);
        assertEquals("progress", first.path("event").asText(), received.out());
        assertTrue(first.has("rateBytesPerSec") && first.has("etaSeconds") && first.has("bytesDone") && first.has("size"), first.toString());
        JsonNode last = events.get(events.size() - 1);
        assertEquals("done", last.path("event").asText(), received.out());
        assertEquals(saveDir.resolve("report.bin").toString(), last.path("path").asText());
        assertTrue(last.path("rateBytesPerSec").asLong() > 0, last.toString());
        assertArrayEquals(Files.readAllBytes(src), Files.readAllBytes(saveDir.resolve("report.bin")));
        Run sent = sending.get(WAIT, TimeUnit.MILLISECONDS);
        assertEquals(0, sent.code(), sent.out());
        assertTrue(sent.out().contains("sending report.bin (3.0 MiB) to bob"), sent.out());
        assertTrue(sent.out().contains("sent report.bin to bob: 3.0 MiB in "), sent.out());
        assertTrue(sent.out().contains("via relay: slower"), "the relay is named: " + sent.out());
        assertTrue(sent.out().contains("waiting for bob to accept"), "the bar says what it waits for: " + sent.out());
        assertTrue(sent.out().contains("\r\u001b[K"), "the bar is redrawn in place on a terminal: " + sent.out());

        // 2. The same name again: saved beside the first, which is untouched.
        CompletableFuture<Run> again = CompletableFuture.supplyAsync(() -> {
            try {
                return cli().piped(Map.of(), "--home", home, "file", "send", "bob", src.toString(), "--json");
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        FileItem second = await("bob has the second offer", java.time.Duration.ofMillis(WAIT), FileCliTest::offeredToBob);
        Run rx2 = cli().piped(Map.of(), "--home", bobHome, "file", "receive", second.id().substring(0, 8), "--save-dir", saveDir.toString());
        assertEquals(0, rx2.code(), rx2.out() + rx2.err());
        assertTrue(rx2.out().contains("saved as " + saveDir.resolve("report (1).bin")), rx2.out());
        Run tx2 = again.get(WAIT, TimeUnit.MILLISECONDS);
        assertEquals(0, tx2.code(), tx2.out() + tx2.err());
        String[] lines = tx2.out().strip().split("\n");
        assertEquals("done", Json.MAPPER.readTree(lines[lines.length - 1]).path("event").asText(), tx2.out());
        try (var s = Files.list(saveDir)) {
            assertEquals(2, s.count(), "two files, no partial left");
        }

        // 3. Declined: the sender's command ends with exit 1 and one line naming why.
        CompletableFuture<Run> declined = CompletableFuture.supplyAsync(() -> {
            try {
                return cli().piped(Map.of(), "--home", home, "file", "send", "bob", src.toString());
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        FileItem third = await("bob has the third offer", java.time.Duration.ofMillis(WAIT), FileCliTest::offeredToBob);
        Run cancel = cli().piped(Map.of(), "--home", bobHome, "file", "cancel", third.id());
        assertEquals(0, cancel.code(), cancel.out() + cancel.err());
        Run tx3 = declined.get(WAIT, TimeUnit.MILLISECONDS);
        assertEquals(1, tx3.code(), tx3.out() + tx3.err());
        assertTrue(tx3.err().contains("declined"), tx3.err());
        assertEquals(1, tx3.err().strip().split("\n").length, "one line: " + tx3.err());

        // 4. Not a file; the listing shows all three.
        Run bad = cli().piped(Map.of(), "--home", home, "file", "send", "bob", tmp.resolve("nope.bin").toString());
        assertEquals(2, bad.code(), bad.out() + bad.err());
        assertTrue(bad.err().contains("is not a readable regular file"), bad.err());
        Run list = cli().piped(Map.of(), "--home", home, "file", "list");
        assertEquals(0, list.code(), list.err());
        assertEquals(3, list.out().lines().filter(l -> l.contains("report.bin")).count(), list.out());
    }
}
