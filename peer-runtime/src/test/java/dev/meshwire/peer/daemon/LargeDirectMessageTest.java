package dev.meshwire.peer.daemon;

import static dev.meshwire.peer.TestSupport.await;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.cli.CliResult;
import dev.meshwire.cli.ExitCodes;
import dev.meshwire.coordinator.Coordinator;
import dev.meshwire.coordinator.CoordinatorConfig;
import dev.meshwire.peer.ipc.IpcException;
import dev.meshwire.peer.ipc.WireClient;
import dev.meshwire.peer.p2p.P2pMode;
import dev.meshwire.peer.p2p.P2pSettings;
import dev.meshwire.signaling.crypto.Hex;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Messages too big for the coordinator relay (default frames ≤ 1 MiB) through full daemons: CLI →
 * IPC → outbox → direct channel (chunked) → receiver inbox; refused at accept when no channel is
 * possible. alice and bob run p2p auto, carol p2p off. Real coordinator and WebRTC, one JVM.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LargeDirectMessageTest {
    static final long WAIT = 60_000;
    static final int FIVE_MIB = 5 * 1024 * 1024;
    @TempDir
    static Path tmp;
    static Coordinator coord;
    static Daemon alice, bob, carol;
    static WireClient a, b, c;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void setUp() throws Exception {
        coord = Coordinator.start(CoordinatorConfig.defaults(tmp.resolve("coord")).withListen("127.0.0.1", 0).withStunPort(-1));
        alice = Daemon.start(DaemonOptions.of(tmp.resolve("alice")));
        bob = Daemon.start(DaemonOptions.of(tmp.resolve("bob")));
        carol = Daemon.start(DaemonOptions.of(tmp.resolve("carol")).withP2p(P2pSettings.defaults().withMode(P2pMode.OFF)));
        a = WireClient.of(alice.client());
        b = WireClient.of(bob.client());
        c = WireClient.of(carol.client());
        JsonNode created = a.createMesh("big", coord.publicUrl(), "alice", coord.adminToken());
        b.join(a.post("/v1/invite", WireClient.map("mesh", "big", "uses", 1)).path("invite").asText(), "bob");
        c.join(a.post("/v1/invite", WireClient.map("mesh", "big", "uses", 1)).path("invite").asText(), "carol");
        assertFalse(created.path("mesh").path("pubkey").asText().isEmpty());
        for (String n : List.of("bob", "carol")) await("alice sees " + n + " online", WAIT, () -> a.seesOnline(n));
        await("bob sees alice", WAIT, () -> b.seesOnline("alice"));
    }

    @AfterAll
    static void tearDown() {
        for (Daemon x : new Daemon[] {carol, bob, alice}) if (x != null) x.close();
        if (coord != null) coord.close();
    }

    /** Random printable text with some 2- and 3-byte UTF-8 characters, exactly {@code bytes} UTF-8 bytes long. */
    static String randomText(int bytes, long seed) {
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder(bytes);
        int n = 0;
        while (n < bytes) {
            int k = r.nextInt(100);
            if (k < 3 && n + 3 <= bytes) { sb.append((char) (0x4e00 + r.nextInt(2000))); n += 3; }
            else if (k < 6 && n + 2 <= bytes) { sb.append((char) (0x00e0 + r.nextInt(20))); n += 2; }
            else { sb.append((char) (0x20 + r.nextInt(95))); n += 1; }
        }
        return sb.toString();
    }

    static String sha256(String s) throws Exception {
        return Hex.encode(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    static double metric(String name) throws Exception {
        String url = coord.publicUrl().replaceFirst("^ws", "http").replaceFirst("/ws$", "") + "/metrics";
        String body = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
        for (String line : body.split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
        throw new AssertionError("no " + name + " in /metrics");
    }

    static JsonNode inboxMessage(WireClient cl, String prefix) {
        for (JsonNode m : cl.inbox(null, 100).path("items")) if (m.path("text").asText().startsWith(prefix)) return m;
        return null;
    }

    @Test
    @Order(1)
    void fiveMibMessageFromTheCliCrossesTheChannelChunkedAndArrivesIntact() throws Exception {
        String text = "big-" + UUID.randomUUID() + "|" + randomText(FIVE_MIB, 42);
        Path file = tmp.resolve("five-mib.txt");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        double relayedBefore = metric("meshwire_relayed_messages_total");
        long directBefore = a.status().path("daemon").path("p2p").path("metrics").path("directMessages").asLong();

        // No channel exists yet: the copy is direct-only, so the drain starts one and waits for it (never the relay).
        CliResult sent = CliResult.cli(alice, "send", "bob", "--file", file.toString(), "--id", "five-mib", "--json");
        assertEquals(ExitCodes.OK, sent.code(), sent.err());
        await("the 5 MiB message is done", WAIT, () -> "done".equals(a.message("five-mib").path("state").asText()));
        String prefix = text.substring(0, 40);
        await("bob stored it", WAIT, () -> inboxMessage(b, prefix) != null);
        JsonNode got = inboxMessage(b, prefix);
        assertEquals(sha256(text), sha256(got.path("text").asText()), "same text, byte for byte");
        assertTrue(got.path("path").asText().startsWith("direct"), got.path("path").asText());
        assertEquals(relayedBefore, metric("meshwire_relayed_messages_total"), "the relay never carried it");
        assertTrue(a.status().path("daemon").path("p2p").path("metrics").path("directMessages").asLong() > directBefore);
        assertTrue(a.message("five-mib").path("recipients").get(0).path("messageId").asText().startsWith("p2p:"));
    }

    /** Direct copies go in the binary form to a daemon that declares it (bob), never to one that does not (carol, p2p off). */
    @Test
    @Order(2)
    void theBinaryEnvelopeFormGoesOnlyToAPeerThatDeclaresIt() {
        dev.meshwire.peer.coordinator.MeshSession s = alice.session("big");
        String bobPub = keyOf(s, "bob");
        String carolPub = keyOf(s, "carol");
        dev.meshwire.signaling.envelope.Envelope env = new dev.meshwire.signaling.envelope.Envelope(2, dev.meshwire.signaling.envelope.Channel.DM,
                bobPub, s.selfPubkey(), new dev.meshwire.signaling.envelope.Body("AAECAwQFBgcICQoLDA0ODxAREhMUFRYX", "AAECAw==", 1),
                dev.meshwire.signaling.envelope.Meta.of("binary-probe", dev.meshwire.signaling.envelope.Priority.NOW, 1L), "00");
        assertEquals(dev.meshwire.peer.p2p.ChannelPayload.BINARY_ENVELOPE, dev.meshwire.peer.transport.DirectTransport.payloadFor(s, bobPub, env)[0]);
        assertEquals('{', dev.meshwire.peer.transport.DirectTransport.payloadFor(s, carolPub, env)[0]);
    }

    static String keyOf(dev.meshwire.peer.coordinator.MeshSession s, String name) {
        return s.roster().everyone().stream().filter(p -> name.equals(p.name())).findFirst().orElseThrow().pubkey();
    }

    @Test
    @Order(3)
    void tooBigForTheRelayToAPeerWithP2pOffIsRefusedAtAccept() throws Exception {
        String text = randomText(FIVE_MIB, 7);
        IpcException e = assertThrows(IpcException.class, () -> a.send(null, "carol", text));
        assertEquals("too_large_for_relay", e.code());
        assertEquals(413, e.status());
        assertTrue(e.getMessage().contains("does not advertise direct channels"), e.getMessage());

        Path file = tmp.resolve("to-carol.txt");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        CliResult cli = CliResult.cli(alice, "send", "carol", "--file", file.toString(), "--id", "to-carol");
        assertEquals(ExitCodes.USAGE, cli.code(), cli.err());
        assertEquals(1, cli.err().strip().lines().count(), cli.err());
        assertTrue(cli.err().contains("coordinator relay carries") && cli.err().contains("bytes"), cli.err());
        IpcException none = assertThrows(IpcException.class, () -> a.message("to-carol"));
        assertEquals("unknown_message", none.code(), "nothing was stored");

        // Fan-out always goes through the relay.
        IpcException star = assertThrows(IpcException.class, () -> a.send(null, "*", text));
        assertEquals("too_large_for_relay", star.code());
        // A message the relay can carry still goes to carol, through the relay (256 KiB was the old limit).
        String mid = "mid-" + randomText(300 * 1024, 3);
        a.send(null, "carol", mid);
        await("carol has the 300 KiB message", WAIT, () -> inboxMessage(c, mid.substring(0, 40)) != null);
        assertEquals("coordinator relay", inboxMessage(c, mid.substring(0, 40)).path("path").asText());
    }

    @Test
    @Order(4)
    void overTheOutboxLimitIsRefused() {
        IpcException e = assertThrows(IpcException.class, () -> a.send(null, "bob", "x".repeat(dev.meshwire.peer.outbox.DurableOutbox.DEFAULT_MAX_MESSAGE_BYTES + 1)));
        assertEquals("message_too_large", e.code());
    }
}
