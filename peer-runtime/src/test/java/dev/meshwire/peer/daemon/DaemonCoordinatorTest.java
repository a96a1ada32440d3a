package dev.meshwire.peer.daemon;

import static dev.meshwire.cli.CliResult.cli;
import static dev.meshwire.peer.TestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.cli.CliResult;
import dev.meshwire.cli.ExitCodes;
import dev.meshwire.coordinator.Coordinator;
import dev.meshwire.coordinator.CoordinatorConfig;
import dev.meshwire.peer.ipc.IpcClient;
import dev.meshwire.peer.ipc.IpcException;
import dev.meshwire.peer.ipc.WireClient;
import dev.meshwire.signaling.Json;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two in-process daemons against a real coordinator: create, join, send (name, prefix, '*'),
 * inbox, SSE, duplicate suppression, CLI errors against a live mesh, and kick (terminal close code).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DaemonCoordinatorTest {
    static final long WAIT = 15_000;
    @TempDir
    static Path tmp;
    static Coordinator coord;
    static Daemon alice;
    static Daemon bob;
    static WireClient a;
    static WireClient b;
    static String alicePub;
    static String bobPub;

    @BeforeAll
    static void setUp() throws Exception {
        coord = Coordinator.start(CoordinatorConfig.defaults(tmp.resolve("coord")).withListen("127.0.0.1", 0).withStunPort(-1));
        alice = Daemon.start(DaemonOptions.of(tmp.resolve("alice")));
        bob = Daemon.start(DaemonOptions.of(tmp.resolve("bob")));
        a = WireClient.of(alice.client());
        b = WireClient.of(bob.client());
        JsonNode created = a.createMesh("team", coord.publicUrl(), "alice", coord.adminToken());
        alicePub = created.path("mesh").path("pubkey").asText();
        assertEquals("owner", created.path("mesh").path("role").asText());
        assertTrue(created.path("invite").asText().startsWith("mw1."));
        JsonNode joined = b.join(created.path("invite").asText(), "bob");
        bobPub = joined.path("mesh").path("pubkey").asText();
        assertEquals("team", joined.path("mesh").path("name").asText());
        await("alice sees bob online", WAIT, () -> a.seesOnline("bob"));
        await("bob sees alice online", WAIT, () -> b.seesOnline("alice"));
    }

    @AfterAll
    static void tearDown() {
        if (bob != null) bob.close();
        if (alice != null) alice.close();
        if (coord != null) coord.close();
    }


    static List<JsonNode> inboxWith(WireClient c, String text) {
        List<JsonNode> out = new CopyOnWriteArrayList<>();
        for (JsonNode m : c.inbox(null, 1000).path("items")) if (text.equals(m.path("text").asText())) out.add(m);
        return out;
    }


    @Test
    @Order(1)
    void sendByNameArrivesInTheOtherInboxWithAllFields() {
        List<IpcClient.SseEvent> seen = new CopyOnWriteArrayList<>();
        Thread watcher = new Thread(() -> {
            try {
                b.events(ev -> {
                    seen.add(ev);
                    return !(ev.event().equals("message") && ev.data().contains("hello bob"));
                });
            } catch (IpcException ignored) {
                // daemon closed at the end of the class
            }
        });
        watcher.setDaemon(true);
        watcher.start();
        await("bob's SSE stream subscribed", WAIT, () -> bob.events().subscriberCount() > 0);

        JsonNode receipt = a.post("/v1/send", WireClient.map("to", "bob", "message", "hello bob", "priority", "now"));
        assertEquals("dm", receipt.path("channel").asText());
        assertEquals("accepted_pending", receipt.path("status").asText());
        assertFalse(receipt.path("duplicate").asBoolean());
        assertEquals(bobPub, receipt.path("recipients").get(0).path("pubkey").asText());
        String cmid = receipt.path("clientMessageId").asText();
        await("the outbox row is done", WAIT, () -> "done".equals(a.message(cmid).path("state").asText()));
        assertNotNull(a.message(cmid).get("messageId"));

        await("bob's inbox has the message", WAIT, () -> !inboxWith(b, "hello bob").isEmpty());
        JsonNode m = inboxWith(b, "hello bob").get(0);
        assertEquals("team", m.path("mesh").asText());
        assertEquals("alice", m.path("from").path("name").asText());
        assertEquals(alicePub, m.path("from").path("pubkey").asText());
        assertEquals("now", m.path("priority").asText());
        assertEquals("dm", m.path("channel").asText());
        assertEquals(receipt.path("clientMessageId").asText(), m.path("clientMessageId").asText());
        assertTrue(m.path("sentAt").asLong() > 0);
        assertTrue(m.path("receivedAt").asLong() >= m.path("sentAt").asLong() - 60_000);

        await("SSE delivered the message event", WAIT,
                () -> seen.stream().anyMatch(e -> e.event().equals("message") && e.data().contains("hello bob")));
    }

    @Test
    @Order(2)
    void sendByPrefixAndToEveryone() {
        a.send(null, bobPub.substring(0, 8), "by prefix");
        b.send(null, "*", "to all from bob");
        await("bob got the prefix message", WAIT, () -> !inboxWith(b, "by prefix").isEmpty());
        await("alice got the group message", WAIT, () -> !inboxWith(a, "to all from bob").isEmpty());
        assertEquals("group", inboxWith(a, "to all from bob").get(0).path("channel").asText());
    }

    @Test
    @Order(3)
    void sameClientMessageIdIsSentOnce() {
        a.post("/v1/send", WireClient.map("to", "bob", "message", "only once", "clientMessageId", "dup-1"));
        JsonNode again = a.post("/v1/send", WireClient.map("to", "bob", "message", "only once", "clientMessageId", "dup-1"));
        assertTrue(again.path("duplicate").asBoolean(), again.toString());
        await("bob got it", WAIT, () -> inboxWith(b, "only once").size() == 1);
        await("the outbox row is done", WAIT, () -> "done".equals(a.message("dup-1").path("state").asText()));
        JsonNode third = a.post("/v1/send", WireClient.map("to", "bob", "message", "only once", "clientMessageId", "dup-1"));
        assertEquals("done", third.path("status").asText());
        assertEquals(1, inboxWith(b, "only once").size());
    }

    @Test
    @Order(4)
    void cliAgainstALiveMesh() throws Exception {
        CliResult unknown = cli(alice, "send", "zed", "hi");
        assertEquals(ExitCodes.NOT_FOUND, unknown.code());
        assertEquals(1, unknown.err().strip().lines().count(), unknown.err());
        assertTrue(unknown.err().contains("unknown peer 'zed'") && unknown.err().contains("bob"), unknown.err());

        CliResult self = cli(alice, "send", "alice", "hi");
        assertEquals(ExitCodes.USAGE, self.code());
        assertTrue(self.err().contains("yourself"), self.err());

        CliResult shortPrefix = cli(alice, "send", bobPub.substring(0, 4), "hi");
        assertEquals(ExitCodes.NOT_FOUND, shortPrefix.code());

        CliResult ok = cli(alice, "send", "bob", "via cli", "--json");
        assertEquals(ExitCodes.OK, ok.code(), ok.err());
        JsonNode r = Json.MAPPER.readTree(ok.out());
        assertEquals("bob", r.path("recipients").get(0).path("name").asText());

        await("bob got the CLI message", WAIT, () -> !inboxWith(b, "via cli").isEmpty());
        CliResult inbox = cli(bob, "inbox", "--json");
        assertEquals(ExitCodes.OK, inbox.code(), inbox.err());
        assertTrue(Json.MAPPER.readTree(inbox.out()).path("items").isArray());
        CliResult human = cli(bob, "inbox");
        assertTrue(human.out().contains("via cli"), human.out());

        CliResult peers = cli(alice, "peers", "--json");
        assertEquals(ExitCodes.OK, peers.code(), peers.err());
        assertEquals(2, Json.MAPPER.readTree(peers.out()).path("items").size());

        CliResult status = cli(alice, "status", "--json");
        JsonNode st = Json.MAPPER.readTree(status.out());
        assertEquals("connected", st.path("meshes").get(0).path("state").asText());
        assertEquals(1, st.path("meshes").get(0).path("onlinePeers").asInt());

        CliResult wrongMesh = cli(alice, "peers", "--mesh", "nope");
        assertEquals(ExitCodes.NOT_FOUND, wrongMesh.code());

        CliResult invite = cli(alice, "invite", "--uses", "3", "--expires", "30m", "--json");
        assertEquals(ExitCodes.OK, invite.code(), invite.err());
        assertEquals(3, Json.MAPPER.readTree(invite.out()).path("maxUses").asInt());
    }

    @Test
    @Order(5)
    void tooLargeMessageIsRefused() {
        IpcException e = assertThrows(IpcException.class, () -> a.send(null, "bob", "x".repeat(dev.meshwire.peer.outbox.DurableOutbox.DEFAULT_MAX_MESSAGE_BYTES + 1)));
        assertEquals("message_too_large", e.code());
    }

    @Test
    @Order(10)
    void kickIsTerminalForTheKickedDaemon() throws Exception {
        CliResult notOwner = cli(bob, "kick", "alice");
        assertEquals(ExitCodes.FAILED, notOwner.code());
        assertEquals(1, notOwner.err().strip().lines().count(), notOwner.err());

        CliResult kick = cli(alice, "kick", "bob");
        assertEquals(ExitCodes.OK, kick.code(), kick.err());
        assertTrue(kick.out().contains("rejoin"), kick.out());
        await("bob's link is kicked", WAIT,
                () -> "kicked".equals(b.status().path("meshes").get(0).path("state").asText()));
        JsonNode st = b.status().path("meshes").get(0);
        assertFalse(st.path("connected").asBoolean());
        assertNotNull(st.get("lastError"));
        await("alice sees bob offline", WAIT, () -> !a.seesOnline("bob"));
        // an offline recipient no longer fails the send: it is queued and delivered later
        CliResult offline = cli(alice, "send", "bob", "are you there?", "--id", "while-kicked");
        assertEquals(ExitCodes.OK, offline.code(), offline.err());
        assertTrue(offline.out().startsWith("accepted (pending)"), offline.out());

        // kicked, not banned: bob can come back by reconnecting on purpose
        CliResult back = cli(bob, "reconnect");
        assertEquals(ExitCodes.OK, back.code(), back.err());
        assertEquals("connected", b.status().path("meshes").get(0).path("state").asText());
        await("alice sees bob online again", WAIT, () -> a.seesOnline("bob"));
        a.send(null, "bob", "welcome back");
        await("bob got the message after rejoining", WAIT, () -> !inboxWith(b, "welcome back").isEmpty());
        await("the message sent while bob was away arrived", 60_000, () -> !inboxWith(b, "are you there?").isEmpty());
        assertEquals("done", a.message("while-kicked").path("state").asText());
    }

    @Test
    @Order(11)
    void banIsTerminalUntilUnbanned() {
        CliResult ban = cli(alice, "ban", bobPub.substring(0, 10));
        assertEquals(ExitCodes.OK, ban.code(), ban.err());
        await("bob's link is banned", WAIT,
                () -> "banned".equals(b.status().path("meshes").get(0).path("state").asText()));
        CliResult refused = cli(bob, "reconnect");
        assertEquals(ExitCodes.FAILED, refused.code(), refused.out());
        assertTrue(refused.err().contains("banned"), refused.err());
        CliResult unban = cli(alice, "unban", "bob");
        assertEquals(ExitCodes.OK, unban.code(), unban.err());
        CliResult back = cli(bob, "reconnect");
        assertEquals(ExitCodes.OK, back.code(), back.err());
    }
}
