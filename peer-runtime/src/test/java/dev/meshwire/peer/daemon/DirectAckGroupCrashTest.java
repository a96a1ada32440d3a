package dev.meshwire.peer.daemon;

import static dev.meshwire.peer.TestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.coordinator.Coordinator;
import dev.meshwire.coordinator.CoordinatorConfig;
import dev.meshwire.peer.TestSupport;
import dev.meshwire.peer.home.MeshwireHome;
import dev.meshwire.peer.ipc.WireClient;
import dev.meshwire.peer.p2p.P2pEngine;
import dev.meshwire.peer.p2p.SessionState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Group acks on the direct channel through real daemons (docs/p2p.md "Framing on the channel", ACKS; docs/delivery.md
 * §9). Alice is a daemon in this JVM; bob's daemon is a <b>separate process</b>, so it can be SIGKILLed between storing
 * messages and sending their group ack: bob first runs with {@code MESHWIRE_TEST_HOLD_ACKS=1}, so every direct message
 * he receives is verified and committed to his inbox but its ack never leaves — exactly the state a kill between the
 * inbox commit and the ACKS flush leaves behind. After the kill alice resends those messages through the relay (the
 * coordinator's {@code peer_left} closes the channel), and bob, restarted without the hook, shows each exactly once.
 * Then a batch goes direct again and is acked in ACKS frames, one frame for many messages.
 */
class DirectAckGroupCrashTest {
    static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path tmp;
    Coordinator coord;
    Daemon alice;
    ForegroundDaemon bob;

    @BeforeEach
    void start() throws Exception {
        TestSupport.requireWebRtc();
        coord = Coordinator.start(CoordinatorConfig.defaults(tmp.resolve("coord")).withListen("127.0.0.1", 0).withStunPort(-1)
                .withQueue(dev.meshwire.coordinator.queue.QueueSettings.defaults().withRateLimit(0, 0)));
        alice = Daemon.start(DaemonOptions.of(tmp.resolve("alice")));
    }

    @AfterEach
    void stop() {
        if (bob != null) bob.destroy();
        if (alice != null) alice.close();
        if (coord != null) coord.close();
    }

    P2pEngine engine() {
        return alice.direct().get(alice.session("team").config().meshId()).engine();
    }

    /** {@code n} sends to bob in one {@code POST /v1/send/batch}; returns the texts (= client message ids). */
    static List<String> sendBatch(WireClient a, String prefix, int n) {
        List<Map<String, Object>> items = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String t = prefix + i;
            texts.add(t);
            items.add(WireClient.map("to", "bob", "message", t, "clientMessageId", t));
        }
        assertEquals(n, a.post("/v1/send/batch", WireClient.map("messages", items)).path("accepted").asInt());
        return texts;
    }

    void awaitChannel(String bobPub) {
        await("alice's channel to bob is open", WAIT, () -> {
            engine().connect(bobPub);
            return engine().state(bobPub) == SessionState.OPEN;
        });
    }

    @Test
    void aReceiverKilledBetweenItsInboxCommitAndTheGroupAckShowsEveryMessageOnceAndGroupAcksFollow() throws Exception {
        WireClient a = WireClient.of(alice.client());
        String invite = a.createMesh("team", coord.publicUrl(), "alice", coord.adminToken()).path("invite").asText();
        MeshwireHome bobHome = MeshwireHome.at(tmp.resolve("bob"));
        bob = ForegroundDaemon.start(bobHome, Map.of("MESHWIRE_TEST_HOLD_ACKS", "1"));
        String bobPub = bob.client().join(invite, "bob").path("mesh").path("pubkey").asText();
        await("alice sees bob online", WAIT, () -> a.seesOnline("bob") ? true : null);
        a.post("/v1/send", WireClient.map("to", "bob", "message", "held-first", "clientMessageId", "held-first")); // relay; starts the upgrade
        awaitChannel(bobPub);

        // Stored by bob from the direct path, acks held: what a kill between commit and ACKS flush leaves.
        List<String> held = sendBatch(a, "held-", 50);
        WireClient b = bob.client();
        await("bob stored the 50 from the direct path", WAIT, () -> ForegroundDaemon.inboxCounts(b, "held-").size() == 51 ? true : null);
        int direct = 0;
        for (JsonNode m : b.inbox(null, 10_000).path("items")) {
            if (m.path("text").asText().startsWith("held-") && m.path("path").asText().startsWith("direct")) direct++;
        }
        assertEquals(50, direct, "the batch came over the channel");
        for (String t : held) assertEquals("inflight", a.message(t).path("state").asText(), "not acked: " + t);

        bob.process().destroyForcibly(); // SIGKILL
        assertTrue(bob.process().waitFor(20, TimeUnit.SECONDS), "bob's process is gone");
        for (String t : held) {
            JsonNode row = await("alice resent " + t + " through the relay", WAIT, () -> {
                JsonNode r = a.message(t);
                return "done".equals(r.path("state").asText()) ? r : null;
            });
            assertFalse(row.path("recipients").get(0).path("messageId").asText().startsWith("p2p:"), "never acked on the channel: " + row);
        }

        bob = ForegroundDaemon.start(bobHome, Map.of()); // without the hook
        WireClient b2 = bob.client();
        await("bob has all 51 again", WAIT, () -> ForegroundDaemon.inboxCounts(b2, "held-").size() == 51 ? true : null);
        await("the relay copies are all redelivered and acked", Duration.ofSeconds(10), () -> {
            Map<String, Integer> n = ForegroundDaemon.inboxCounts(b2, "held-");
            return n.values().stream().allMatch(c -> c == 1) ? true : null;
        });
        assertEquals(51, ForegroundDaemon.inboxCounts(b2, "held-").values().stream().mapToInt(Integer::intValue).sum(), "each exactly once");

        // The channel again, now with acks: a batch crosses in BUNDLE frames and is acked in ACKS frames (bob declares
        // ack_groups and data_bundles): far fewer ack frames than messages.
        awaitChannel(bobPub);
        long groupsBefore = engine().ackGroupFramesReceived();
        long singlesBefore = engine().ackFramesReceived();
        List<String> acked = sendBatch(a, "grouped-", 300);
        for (String t : acked) {
            JsonNode row = await("delivered " + t, WAIT, () -> {
                JsonNode r = a.message(t);
                return "done".equals(r.path("state").asText()) ? r : null;
            });
            assertEquals("delivered", row.path("delivery").asText(), row.toString());
        }
        long groups = engine().ackGroupFramesReceived() - groupsBefore;
        long singles = engine().ackFramesReceived() - singlesBefore; // heartbeat pongs included
        long directDone = acked.stream().filter(t -> a.message(t).path("recipients").get(0).path("messageId").asText().startsWith("p2p:")).count();
        System.out.printf("after the restart: %d of 300 acked on the channel, with %d ACKS and %d ACK frames%n", directDone, groups, singles);
        assertTrue(directDone >= 250, "the batch went direct: " + directDone);
        assertTrue(groups + singles < directDone / 2, "acked in groups: " + groups + " ACKS and " + singles + " ACK frames for " + directDone + " messages");
        Map<String, Integer> n = ForegroundDaemon.inboxCounts(b2, "grouped-");
        assertEquals(300, n.size());
        assertTrue(n.values().stream().allMatch(c -> c == 1), "each once");
    }
}
