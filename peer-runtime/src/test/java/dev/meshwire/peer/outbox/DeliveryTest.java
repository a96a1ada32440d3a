package dev.meshwire.peer.outbox;

import static dev.meshwire.cli.CliResult.cli;
import static dev.meshwire.peer.TestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.cli.CliResult;
import dev.meshwire.cli.ExitCodes;
import dev.meshwire.coordinator.Coordinator;
import dev.meshwire.coordinator.CoordinatorConfig;
import dev.meshwire.peer.coordinator.LinkSettings;
import dev.meshwire.peer.coordinator.MeshSession;
import dev.meshwire.peer.daemon.Daemon;
import dev.meshwire.peer.daemon.DaemonOptions;
import dev.meshwire.peer.ipc.WireClient;
import dev.meshwire.signaling.Json;
import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.envelope.Envelope;
import dev.meshwire.signaling.envelope.Priority;
import dev.meshwire.signaling.frame.Frames;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The delivery contract end to end with a real coordinator, real daemons, real SQLite and real IPC:
 * permanent refusal → dead, requeue, ack-and-drop of forged deliveries, duplicate delivery acked
 * twice but shown once, max age → dead, start-up recovery of inflight rows, and a drain of 1,000
 * messages queued while the coordinator was down.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeliveryTest {
    static final long WAIT = 20_000;
    static final LinkSettings FAST = new LinkSettings(Duration.ofSeconds(30), Duration.ofSeconds(75),
            List.of(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(500)), Duration.ofSeconds(10), Duration.ofSeconds(5));
    @TempDir
    static Path tmp;
    static Coordinator coord;
    static int coordPort;
    static Daemon alice;
    static Daemon bob;
    static String bobPub;

    static CoordinatorConfig coordConfig(int port) {
        return CoordinatorConfig.defaults(tmp.resolve("coord")).withListen("127.0.0.1", port).withStunPort(-1);
    }

    @BeforeAll
    static void setUp() throws Exception {
        coord = Coordinator.start(coordConfig(0));
        coordPort = coord.port();
        alice = Daemon.start(DaemonOptions.of(tmp.resolve("alice")).withLink(FAST));
        bob = Daemon.start(DaemonOptions.of(tmp.resolve("bob")).withLink(FAST));
        JsonNode created = WireClient.of(alice.client()).createMesh("team", coord.publicUrl(), "alice", coord.adminToken());
        bobPub = WireClient.of(bob.client()).join(created.path("invite").asText(), "bob").path("mesh").path("pubkey").asText();
        await("alice knows bob", WAIT, () -> alice.session("team").roster().peer(bobPub) != null);
    }

    @AfterAll
    static void tearDown() {
        if (bob != null) bob.close();
        if (alice != null) alice.close();
        if (coord != null) coord.close();
    }


    static String state(Daemon d, String id) {
        return WireClient.of(d.client()).message(id).path("state").asText();
    }

    static long inboxCount(Daemon d, String prefix) {
        long n = 0;
        for (JsonNode m : WireClient.of(d.client()).inbox(null, 10_000, false, true).path("items")) if (m.path("text").asText().startsWith(prefix)) n++;
        return n;
    }

    @Test
    @Order(1)
    void permanentRefusalIsDeadAndRequeueIssuesAFreshId() throws Exception {
        String stranger = Identity.generate().publicKeyHex(); // a full key nobody in the mesh has
        WireClient a = WireClient.of(alice.client());
        a.post("/v1/send", WireClient.map("to", stranger, "message", "to nobody", "clientMessageId", "perm-1"));
        await("refused permanently", WAIT, () -> "dead".equals(state(alice, "perm-1")));
        JsonNode st = a.message("perm-1");
        assertTrue(st.path("lastError").asText().startsWith("unknown_recipient"), st.toString());
        assertEquals(1, st.path("attempts").asInt());

        CliResult failed = cli(alice, "outbox", "--failed", "--json");
        assertEquals(ExitCodes.OK, failed.code(), failed.err());
        assertTrue(failed.out().contains("perm-1"), failed.out());

        CliResult rq = cli(alice, "outbox", "requeue", "perm-1");
        assertEquals(ExitCodes.OK, rq.code(), rq.err());
        String newId = rq.out().split(" as ")[1].split(" ")[0];
        assertEquals("aborted", state(alice, "perm-1"));
        assertEquals(newId, a.message("perm-1").path("supersededBy").asText());
        assertEquals("perm-1", a.message(newId).path("requeuedFrom").asText());
        assertEquals(a.message("perm-1").path("fingerprintPrefix").asText(), a.message(newId).path("fingerprintPrefix").asText());
        await("the requeued copy was tried (and refused again)", WAIT, () -> "dead".equals(state(alice, newId)));

        CliResult again = cli(alice, "outbox", "requeue", "perm-1");
        assertEquals(ExitCodes.CONFLICT, again.code(), again.err());
        CliResult unknown = cli(alice, "msg", "status", "no-such-id");
        assertEquals(ExitCodes.NOT_FOUND, unknown.code());
        assertTrue(unknown.err().contains("no-such-id"), unknown.err());
        assertEquals(ExitCodes.NOT_FOUND, cli(alice, "outbox", "requeue", "no-such-id").code());
    }

    @Test
    @Order(2)
    void requeueOfAPendingDmDeliversTheSameText() {
        // a DM to bob is done quickly; requeue needs dead/pending, so requeue the dead one's content path is covered above;
        // here: a normal DM, then msg status shows the per-recipient copy with the coordinator's id
        CliResult sent = cli(alice, "send", "bob", "status please", "--id", "st-1");
        assertEquals(ExitCodes.OK, sent.code(), sent.err());
        assertTrue(sent.out().startsWith("accepted (pending)") || sent.out().startsWith("already"), sent.out());
        await("done", WAIT, () -> "done".equals(state(alice, "st-1")));
        CliResult status = cli(alice, "msg", "status", "st-1");
        assertEquals(ExitCodes.OK, status.code(), status.err());
        // done = taken by the coordinator: the text says "accepted", or "delivered" once bob's receipt is in.
        assertTrue((status.out().contains(": accepted - the coordinator stored it") || status.out().contains(": delivered - the recipient's daemon stored it"))
                && status.out().contains("bob"), status.out());
        CliResult dup = cli(alice, "send", "bob", "status please", "--id", "st-1");
        assertEquals(ExitCodes.OK, dup.code());
        assertTrue(dup.out().startsWith("already sent"), dup.out());
        CliResult conflict = cli(alice, "send", "bob", "other text", "--id", "st-1");
        assertEquals(ExitCodes.CONFLICT, conflict.code());
    }

    @Test
    @Order(3)
    void duplicateDeliveryIsAckedTwiceButShownOnce() throws Exception {
        // let earlier real deliveries to bob settle so the counters below only move because of this test
        await("earlier message stored", WAIT, () -> inboxCount(bob, "status please") == 1);
        MeshSession aliceSession = alice.session("team");
        MeshSession bobSession = bob.session("team");
        List<OutboxStore.NewCopy> copies = DurableOutbox.seal(aliceSession,
                List.of(new Frames.PeerInfo(bobPub, "bob", "member", true, null, null)), null, "redelivered-1", Priority.NEXT,
                null, null, "said once".getBytes(StandardCharsets.UTF_8), System.currentTimeMillis());
        Envelope env = Json.MAPPER.readValue(copies.get(0).envelopeJson(), Envelope.class);
        long acks = bob.inbound().acks();
        long dups = bob.inbound().duplicates();
        bob.inbound().process(bobSession, new Frames.Deliver("q_first", aliceSession.config().meshId(), env), "coordinator relay");
        bob.inbound().process(bobSession, new Frames.Deliver("q_again", aliceSession.config().meshId(), env), "coordinator relay");
        assertTrue(bob.inbound().acks() >= acks + 2, "both deliveries acked");
        assertEquals(dups + 1, bob.inbound().duplicates());
        assertEquals(1, inboxCount(bob, "said once"));

        // forged: signed by someone who is not a member → dropped but acked, never stored
        Identity mallory = Identity.generate();
        Envelope forged = dev.meshwire.signaling.envelope.EnvelopeSignature.sign(new Envelope(env.v(), env.channel(), env.target(),
                mallory.publicKeyHex(), env.body(), env.meta(), null), mallory);
        long refused = bob.inbound().refused();
        bob.inbound().process(bobSession, new Frames.Deliver("q_forged", aliceSession.config().meshId(), forged), "coordinator relay");
        assertEquals(refused + 1, bob.inbound().refused());
        assertTrue(bob.inbound().acks() >= acks + 3, "the forged delivery is acked too");
        assertEquals(1, inboxCount(bob, "said once"));
    }

    @Test
    @Order(4)
    void holdAcksHookStoresButDoesNotAck() throws Exception {
        bob.inbound().holdAcks(true);
        try {
            long acks = bob.inbound().acks();
            long held = bob.inbound().heldAcks();
            WireClient.of(alice.client()).send(null, "bob", "held ack");
            await("bob stored it", WAIT, () -> inboxCount(bob, "held ack") == 1);
            await("the ack was withheld", WAIT, () -> bob.inbound().heldAcks() > held);
            assertEquals(acks, bob.inbound().acks());
            assertEquals(true, WireClient.of(bob.client()).status().path("daemon").path("holdAcks").asBoolean());
        } finally {
            bob.inbound().holdAcks(false);
        }
    }

    @Test
    @Order(10)
    void maxAgeRecoveryAndDrainOfAThousandAfterTheLinkComesBack() throws Exception {
        coord.close();
        coord = null;
        await("alice's link is down", WAIT, () -> !alice.session("team").link().connected());

        // max age: a daemon whose outbox gives up after 1 s (restarted while the coordinator is down:
        // "bob" still resolves from the cached member list)
        alice.close();
        alice = Daemon.start(DaemonOptions.of(tmp.resolve("alice")).withLink(FAST).withOutboxMaxAge(Duration.ofSeconds(1)));
        WireClient.of(alice.client()).post("/v1/send", WireClient.map("to", "bob", "message", "too old", "clientMessageId", "aged-1"));
        assertEquals("pending", state(alice, "aged-1"));
        await("aged out", WAIT, () -> "dead".equals(state(alice, "aged-1")));
        assertTrue(WireClient.of(alice.client()).message("aged-1").path("lastError").asText().startsWith("max_age"),
                WireClient.of(alice.client()).message("aged-1").toString());

        // 1,000 sends accepted while the coordinator is down: all pending, the send succeeds
        alice.close();
        alice = Daemon.start(DaemonOptions.of(tmp.resolve("alice")).withLink(FAST));
        WireClient a = WireClient.of(alice.client());
        int n = 1000;
        for (int i = 0; i < n; i++) {
            JsonNode r = a.post("/v1/send", WireClient.map("to", bobPub, "message", "bulk " + i, "clientMessageId", "bulk-" + i));
            assertEquals("accepted_pending", r.path("status").asText());
        }
        assertEquals(n, a.outbox("pending", 10_000).path("items").size());

        // crash recovery: rows left inflight by a daemon that stopped are pending again at start
        alice.close();
        try (OutboxStore s = new OutboxStore(alice.home().outboxDb())) {
            String meshId = s.find("bulk-0").meshId();
            assertEquals(10, s.claimDue(meshId, System.currentTimeMillis(), 10).size());
            assertEquals(10, s.counts().get("inflight"));
        }
        alice = Daemon.start(DaemonOptions.of(tmp.resolve("alice")).withLink(FAST));
        a = WireClient.of(alice.client());
        assertEquals(0L, a.status().path("daemon").path("outbox").path("states").path("inflight").asLong());
        JsonNode recovered = a.message("bulk-0");
        assertEquals("pending", recovered.path("state").asText());
        assertEquals(1, recovered.path("attempts").asInt());
        assertTrue(recovered.path("lastError").asText().contains("restarted"), recovered.toString());

        // the coordinator comes back on the same port: everything drains
        coord = Coordinator.start(coordConfig(coordPort));
        WireClient fa = a;
        await("all 1,000 are done", 180_000, () -> fa.status().path("daemon").path("outbox").path("states").path("done").asLong()
                >= n + 1);
        await("bob has all 1,000", 60_000, () -> inboxCount(bob, "bulk ") == n);
        for (int i = 0; i < n; i += 97) {
            JsonNode m = a.message("bulk-" + i);
            assertEquals("done", m.path("state").asText());
            assertNotNull(m.get("messageId"));
        }
    }

    static Map<String, Object> unused() {
        return Map.of();
    }
}
