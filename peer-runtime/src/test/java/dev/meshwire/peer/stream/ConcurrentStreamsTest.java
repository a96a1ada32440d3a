package dev.meshwire.peer.stream;

import static dev.meshwire.peer.TestSupport.await;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.coordinator.Coordinator;
import dev.meshwire.coordinator.CoordinatorConfig;
import dev.meshwire.peer.TestSupport;
import dev.meshwire.peer.daemon.Daemon;
import dev.meshwire.peer.daemon.DaemonOptions;
import dev.meshwire.peer.ipc.WireClient;
import dev.meshwire.peer.p2p.P2pEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several streams at once, in both directions, across a dropped direct channel: alice sends bob three files and bob
 * sends alice one, all at the same time (real daemons in this JVM, real coordinator, real WebRTC). When bob has a
 * third of the first file, alice closes her direct channel to bob: every run on it fails, the senders resynchronize
 * from what the receivers have and finish (over the relay and then a new channel). Every file arrives with its SHA-256,
 * no transfer starts over (each sent less than 1.5 times its size), and no partial file is left.
 */
class ConcurrentStreamsTest {
    static final long WAIT = 120_000;
    static final int SIZE = 12 * 1024 * 1024;

    @TempDir
    static Path tmp;
    static Coordinator coord;
    static Daemon alice, bob;
    static WireClient a, b;
    static String bobPub;

    @BeforeAll
    static void setUp() throws Exception {
        TestSupport.requireWebRtc();
        coord = Coordinator.start(CoordinatorConfig.defaults(tmp.resolve("coord")).withListen("127.0.0.1", 0).withStunPort(-1));
        alice = Daemon.start(DaemonOptions.of(tmp.resolve("alice")));
        bob = Daemon.start(DaemonOptions.of(tmp.resolve("bob")));
        a = WireClient.of(alice.client());
        b = WireClient.of(bob.client());
        String invite = a.createMesh("team", coord.publicUrl(), "alice", coord.adminToken()).path("invite").asText();
        bobPub = b.join(invite, "bob").path("mesh").path("pubkey").asText();
        await("alice sees bob online", WAIT, () -> a.seesOnline("bob"));
        await("bob sees alice online", WAIT, () -> b.seesOnline("alice"));
        await("a direct channel", WAIT, () -> a.ping("team", "bob", 1).path("items").get(0).path("direct").asBoolean());
    }

    @AfterAll
    static void tearDown() {
        if (bob != null) bob.close();
        if (alice != null) alice.close();
        if (coord != null) coord.close();
    }

    static Path file(String name, long seed) throws Exception {
        byte[] d = new byte[SIZE];
        new Random(seed).nextBytes(d);
        return Files.write(tmp.resolve(name), d);
    }

    static String sha(Path p) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    }

    record Sent(String id, Path src, WireClient from, WireClient to, Path dir) {}

    @Test
    void fourStreamsAtOnceInBothDirectionsSurviveADroppedChannel() throws Exception {
        List<Sent> sent = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Path src = file("a" + i + ".bin", i);
            String id = a.post("/v1/files/send", WireClient.map("peer", "bob", "path", src.toString())).path("id").asText();
            sent.add(new Sent(id, src, a, b, tmp.resolve("bob-in")));
        }
        Path back = file("b0.bin", 99);
        String backId = b.post("/v1/files/send", WireClient.map("peer", "alice", "path", back.toString())).path("id").asText();
        sent.add(new Sent(backId, back, b, a, tmp.resolve("alice-in")));
        for (Sent s : sent) {
            await("the offer of " + s.src().getFileName(), WAIT, () -> "offered".equals(s.to().get("/v1/files/" + s.id()).path("state").asText()));
        }
        for (Sent s : sent) s.to().post("/v1/files/" + s.id() + "/accept", WireClient.map("saveDir", s.dir().toString()));

        Sent first = sent.get(0);
        await("bob has a third of the first file", WAIT, () -> b.get("/v1/files/" + first.id()).path("bytesDone").asLong() >= SIZE / 3);
        P2pEngine engine = alice.direct().get(alice.session("team").config().meshId()).engine();
        engine.close(bobPub); // the channel drops in the middle of the runs

        for (Sent s : sent) {
            JsonNode done = await(s.src().getFileName() + " done at the sender", Duration.ofMillis(WAIT * 2), () -> {
                JsonNode f = s.from().get("/v1/files/" + s.id());
                if ("failed".equals(f.path("state").asText())) throw new AssertionError("failed: " + f);
                return "done".equals(f.path("state").asText()) ? f : null;
            });
            JsonNode rx = await(s.src().getFileName() + " done at the receiver", Duration.ofMillis(WAIT),
                    () -> "done".equals(s.to().get("/v1/files/" + s.id()).path("state").asText()) ? s.to().get("/v1/files/" + s.id()) : null);
            Path saved = Path.of(rx.path("path").asText());
            assertEquals(s.dir().resolve(s.src().getFileName()), saved);
            assertEquals(sha(s.src()), sha(saved), "SHA-256 of " + saved);
            long bytesSent = done.path("bytesSent").asLong();
            System.out.printf("%s: %d bytes sent for %d (%.1f%% again), last path %s%n", s.src().getFileName(), bytesSent, SIZE,
                    100.0 * (bytesSent - SIZE) / SIZE, done.path("via").asText());
            assertTrue(bytesSent >= SIZE && bytesSent < SIZE * 3L / 2, "no transfer starts over: " + bytesSent);
        }
        for (Path dir : List.of(tmp.resolve("bob-in"), tmp.resolve("alice-in"))) {
            try (var s = Files.list(dir)) {
                assertTrue(s.noneMatch(p -> p.getFileName().toString().endsWith(".meshwire-part")), "no partial file left in " + dir);
            }
        }
    }

    /**
     * Membership is checked for the whole transfer: alice revokes carol while a file goes to her. The channel is torn
     * down and the relay refuses, and alice's transfer ends as failed ({@code not_member}) instead of waiting forever;
     * carol (who accepts offers by herself, {@code files.accept = auto}) never gets a saved file.
     */
    @Test
    void revokingTheReceiverEndsTheTransfer() throws Exception {
        Path dir = tmp.resolve("carol-in");
        // carol accepts every offer herself (files.accept = auto) into her files directory
        Daemon carol = Daemon.start(DaemonOptions.of(tmp.resolve("carol")).withFiles(FileSettings.defaults(tmp.resolve("carol")).with(dir, true)));
        try {
            WireClient c = WireClient.of(carol.client());
            String invite = a.invite("team", 1, 3_600_000).path("invite").asText();
            c.join(invite, "carol");
            await("alice sees carol online", WAIT, () -> a.seesOnline("carol"));
            Path src = file("to-carol.bin", 5);
            String id = a.post("/v1/files/send", WireClient.map("peer", "carol", "path", src.toString())).path("id").asText();
            await("carol accepted the offer by herself", WAIT, () -> c.get("/v1/files/" + id).path("path").asText().startsWith(dir.toString()));
            await("carol has some of it", WAIT, () -> c.get("/v1/files/" + id).path("bytesDone").asLong() > 0);
            a.post("/v1/revoke", WireClient.map("mesh", "team", "peer", "carol", "reason", "test"));
            JsonNode failed = await("alice's transfer to carol fails", Duration.ofMillis(WAIT), () -> {
                JsonNode f = a.get("/v1/files/" + id);
                return "failed".equals(f.path("state").asText()) || "done".equals(f.path("state").asText()) ? f : null;
            });
            // A fast machine could finish 12 MiB before the revocation lands; then there is nothing to check.
            if ("failed".equals(failed.path("state").asText())) {
                assertTrue(failed.path("error").asText().startsWith("not_member:"), failed.toString());
                assertFalse(Files.exists(dir.resolve("to-carol.bin")), "carol has no saved file");
            } else {
                System.out.println("the transfer to carol finished before the revocation took effect: " + failed);
            }
        } finally {
            carol.close();
        }
    }
}
