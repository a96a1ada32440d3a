package dev.meshwire.peer.daemon;

import static dev.meshwire.peer.TestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.cli.CliResult;
import dev.meshwire.coordinator.Coordinator;
import dev.meshwire.coordinator.CoordinatorConfig;
import dev.meshwire.peer.ipc.WireClient;
import dev.meshwire.peer.ipc.IpcClient;
import dev.meshwire.peer.ipc.IpcException;
import dev.meshwire.peer.p2p.P2pMode;
import dev.meshwire.peer.p2p.P2pSettings;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Honest delivery states and honest pings on the relay path, with a real coordinator and real daemons (p2p off,
 * so every message and ping goes through the coordinator): a relayed message is {@code delivered} only after the
 * recipient's daemon acks it (the coordinator's {@code receipt}); a message to an offline member stays
 * {@code accepted} until that member comes back; {@code ping} answers only with real pongs and fails when nobody
 * answers. dave holds his acks (test hook), so messages to him can never be {@code delivered}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeliveryReceiptTest {
    static final long WAIT = 30_000;
    @TempDir
    static Path tmp;
    static Coordinator coord;
    static Daemon alice, bob, carol, dave;
    static WireClient a;

    static DaemonOptions relayOnly(String who) {
        return DaemonOptions.of(tmp.resolve(who)).withP2p(P2pSettings.defaults().withMode(P2pMode.OFF));
    }

    @BeforeAll
    static void setUp() throws Exception {
        coord = Coordinator.start(CoordinatorConfig.defaults(tmp.resolve("coord")).withListen("127.0.0.1", 0).withStunPort(-1));
        alice = Daemon.start(relayOnly("alice"));
        bob = Daemon.start(relayOnly("bob"));
        carol = Daemon.start(relayOnly("carol"));
        dave = Daemon.start(relayOnly("dave").withHoldAcks(true));
        a = WireClient.of(alice.client());
        a.createMesh("team", coord.publicUrl(), "alice", coord.adminToken());
        String invite = a.invite(null, 3, 3_600_000).path("invite").asText();
        WireClient.of(bob.client()).join(invite, "bob");
        WireClient.of(carol.client()).join(invite, "carol");
        WireClient.of(dave.client()).join(invite, "dave");
        for (String n : List.of("bob", "carol", "dave")) await("alice sees " + n + " online", WAIT, () -> a.seesOnline(n));
    }

    @AfterAll
    static void tearDown() {
        for (Daemon x : new Daemon[] {dave, carol, bob, alice}) if (x != null) x.close();
        if (coord != null) coord.close();
    }


    static String delivery(String cmid) {
        return a.message(cmid).path("delivery").asText();
    }

    @Test
    @Order(0)
    void watchersAreToldWhenAReceiptArrives() throws Exception {
        java.util.concurrent.LinkedBlockingQueue<IpcClient.SseEvent> seen = new java.util.concurrent.LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try {
                a.events(ev -> {
                    seen.add(ev);
                    return !"delivered".equals(ev.event());
                });
            } catch (RuntimeException ignored) {
                // the stream ends with the test
            }
        }, "sse-reader");
        reader.setDaemon(true);
        reader.start();
        await("the event stream is open", WAIT, () -> a.status().path("daemon").path("events").path("open").asInt() >= 1);
        String cmid = a.send(null, "bob", "tell me when it arrives").path("clientMessageId").asText();
        IpcClient.SseEvent ev = null;
        long end = System.currentTimeMillis() + WAIT;
        while (System.currentTimeMillis() < end && (ev == null || !"delivered".equals(ev.event()))) {
            ev = seen.poll(1, java.util.concurrent.TimeUnit.SECONDS);
        }
        assertTrue(ev != null && "delivered".equals(ev.event()), "a delivered event: " + seen);
        JsonNode d = dev.meshwire.signaling.Json.MAPPER.readTree(ev.data());
        assertEquals(cmid, d.path("clientMessageId").asText());
        assertEquals("bob", d.path("name").asText());
        assertEquals("coordinator relay", d.path("path").asText());
        assertTrue(d.path("messageId").asText().startsWith("msg_"), d.toString());
        assertEquals("delivered", delivery(cmid));
    }

    @Test
    @Order(1)
    void aRelayedMessageIsDeliveredOnlyOnceTheRecipientAcksIt() {
        String toBob = a.send(null, "bob", "hello bob").path("clientMessageId").asText();
        String toDave = a.send(null, "dave", "hello dave").path("clientMessageId").asText();
        await("bob's copy delivered", WAIT, () -> "delivered".equals(delivery(toBob)));
        JsonNode row = a.message(toBob);
        assertEquals("done", row.path("state").asText());
        JsonNode copy = row.path("recipients").get(0);
        assertEquals("delivered", copy.path("delivery").asText());
        assertTrue(copy.path("deliveredAt").asLong() >= copy.path("doneAt").asLong() - 1_000, copy.toString());
        assertTrue(copy.path("messageId").asText().startsWith("msg_"), "went through the coordinator: " + copy);
        assertEquals(row.path("deliveredAt").asLong(), copy.path("deliveredAt").asLong());

        // dave stored his copy (it is in his inbox) but never acks: the coordinator has it, dave's receipt never comes.
        await("dave has it", WAIT, () -> WireClient.of(dave.client()).inbox(null, 10).path("items").size() == 1);
        await("dave's copy done", WAIT, () -> "done".equals(a.message(toDave).path("state").asText()));
        String bobAgain = a.send(null, "bob", "a later message").path("clientMessageId").asText();
        await("the later message to bob is delivered", WAIT, () -> "delivered".equals(delivery(bobAgain)));
        assertEquals("accepted", delivery(toDave), "no ack from dave, no delivered");
        assertNull(a.message(toDave).path("recipients").get(0).get("deliveredAt"));

        CliResult status = CliResult.cli(alice, "msg", "status", toDave);
        assertEquals(0, status.code(), status.err());
        assertTrue(status.out().contains("accepted - the coordinator stored it; the recipient has not acknowledged it yet"), status.out());
        CliResult delivered = CliResult.cli(alice, "msg", "status", toBob);
        assertTrue(delivered.out().contains("delivered - the recipient's daemon stored it"), delivered.out());
        CliResult outbox = CliResult.cli(alice, "outbox");
        assertTrue(outbox.out().matches("(?s).*" + toBob + " +delivered .*") && outbox.out().matches("(?s).*" + toDave + " +accepted .*"),
                outbox.out());
    }

    @Test
    @Order(2)
    void aMessageToAnOfflineMemberIsAcceptedUntilItComesBackThenDelivered() {
        carol.close();
        carol = null;
        await("alice sees carol offline", WAIT, () -> !a.seesOnline("carol"));
        String cmid = a.send(null, "carol", "while you were away").path("clientMessageId").asText();
        await("queued at the coordinator", WAIT, () -> "done".equals(a.message(cmid).path("state").asText()));
        // A later message to bob is delivered: receipts flow, and still none for carol's queued copy.
        String probe = a.send(null, "bob", "probe").path("clientMessageId").asText();
        await("probe delivered", WAIT, () -> "delivered".equals(delivery(probe)));
        assertEquals("accepted", delivery(cmid));

        carol = Daemon.start(relayOnly("carol"));
        await("carol's copy delivered after she came back", WAIT, () -> "delivered".equals(delivery(cmid)));
        assertEquals(1, WireClient.of(carol.client()).inbox(null, 10).path("items").findValues("text").stream()
                .filter(t -> t.asText().equals("while you were away")).count());
    }

    @Test
    @Order(3)
    void pingAnswersWithRealPongsThroughTheCoordinatorAndResolvesNamesLikeSend() throws Exception {
        JsonNode r = a.ping(null, "BOB", 2);
        JsonNode first = r.path("items").get(0);
        assertEquals("bob", r.path("peer").path("name").asText());
        assertEquals("coordinator relay", first.path("via").asText());
        assertFalse(first.path("direct").asBoolean());
        assertTrue(first.path("rttMs").asDouble() > 0, r.toString());
        assertEquals(2, r.path("items").size(), "no direct path: every round is relayed");
        // The same names work for ping and send: any case, key prefix.
        String bobKey = r.path("peer").path("pubkey").asText();
        for (String typed : List.of("bob", "Bob", bobKey.substring(0, 8).toUpperCase(), bobKey)) {
            assertEquals(bobKey, a.ping(null, typed, 1).path("peer").path("pubkey").asText(), typed);
            assertEquals(202, statusOf(() -> a.send(null, typed, "by " + typed)), typed);
        }
        IpcException unknown = assertThrows(IpcException.class, () -> a.ping(null, "zed", 1));
        assertEquals("unknown_peer", unknown.code());
        assertTrue(unknown.getMessage().contains("bob") && unknown.getMessage().contains("dave"), unknown.getMessage());
        assertEquals("bad_request", assertThrows(IpcException.class, () -> a.ping(null, "ALICE", 1)).code());

        CliResult cli = CliResult.cli(alice, "ping", "BOB", "-c", "2");
        assertEquals(0, cli.code(), cli.err());
        List<String> lines = cli.out().lines().toList();
        assertEquals(2, lines.size(), cli.out());
        assertTrue(lines.get(0).matches("pong from bob via coordinator relay in \\d+\\.\\d+ ms; direct channels are off or unavailable on this daemon"), lines.get(0));
        assertTrue(lines.get(1).matches("pong from bob via coordinator relay in \\d+\\.\\d+ ms"), "the note is not repeated: " + lines.get(1));

        CliResult json = CliResult.cli(alice, "ping", "bob", "-c", "2", "--json");
        assertEquals(0, json.code(), json.err());
        List<String> objects = json.out().lines().toList();
        assertEquals(2, objects.size(), "one JSON object per reply line: " + json.out());
        for (int i = 0; i < 2; i++) {
            JsonNode o = dev.meshwire.signaling.Json.MAPPER.readTree(objects.get(i));
            assertEquals(i + 1, o.path("seq").asInt());
            assertEquals("bob", o.path("peer").path("name").asText());
            assertEquals("coordinator relay", o.path("via").asText());
        }
    }

    @Test
    @Order(4)
    void pingFailsWithExitFiveWhenThePeerIsOfflineOrNeverDirect() {
        carol.close();
        carol = null;
        await("alice sees carol offline", WAIT, () -> !a.seesOnline("carol"));
        JsonNode r = a.ping(null, "carol", 1);
        assertEquals("peer_offline", r.path("items").get(0).path("errorCode").asText(), r.toString());
        assertFalse(r.path("items").get(0).has("rttMs"));
        CliResult offline = CliResult.cli(alice, "ping", "carol", "-c", "2");
        assertEquals(5, offline.code(), offline.out() + offline.err());
        assertTrue(offline.out().contains("no reply from carol via coordinator relay: carol is offline"), offline.out());
        assertTrue(offline.err().contains("meshwire: no reply from carol"), offline.err());

        CliResult neverDirect = CliResult.cli(alice, "ping", "bob", "--until-direct", "--timeout", "2s");
        assertEquals(5, neverDirect.code(), neverDirect.out() + neverDirect.err());
        assertTrue(neverDirect.out().startsWith("pong from bob via coordinator relay"), neverDirect.out());
        assertTrue(neverDirect.err().contains("no direct path to bob within 2s"), neverDirect.err());
    }

    @Test
    @Order(5)
    void pingFailsWhenTheCoordinatorIsDownInsteadOfClaimingTheRelayWorks() {
        coord.close();
        coord = null;
        await("alice's link is down", WAIT, () -> !alice.session("team").link().connected());
        JsonNode r = a.ping(null, "bob", 1);
        assertEquals("coordinator_unreachable", r.path("items").get(0).path("errorCode").asText(), r.toString());
        CliResult down = CliResult.cli(alice, "ping", "bob", "-c", "1");
        assertEquals(5, down.code(), down.out() + down.err());
        assertTrue(down.err().contains("coordinator is unreachable"), down.err());
        assertFalse(down.out().contains("pong"), down.out());
    }

    interface Call {
        JsonNode run();
    }

    static int statusOf(Call c) {
        try {
            c.run();
            return 202;
        } catch (IpcException e) {
            return e.status();
        }
    }
}
