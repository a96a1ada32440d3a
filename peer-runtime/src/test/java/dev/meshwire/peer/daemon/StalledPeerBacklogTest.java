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
import dev.meshwire.peer.p2p.BacklogLimits;
import dev.meshwire.peer.p2p.MeshDirect;
import dev.meshwire.peer.p2p.P2pConfig;
import dev.meshwire.peer.p2p.P2pMetrics;
import dev.meshwire.peer.p2p.P2pSettings;
import dev.meshwire.peer.p2p.SessionState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #16, direct channels: a slow or stalled peer must not make the sender's memory grow. Alice (a daemon in
 * this JVM, direct-channel backlog capped at 64 messages / 128 KiB, stall timeout 3 s) streams 200 messages of
 * ~8 KiB (1.6 MB, over 12 times the cap) to bob, whose daemon is a <b>separate process</b>, twice:
 * <ol>
 *   <li>bob runs with {@code MESHWIRE_TEST_HOLD_ACKS=1}: his channel stays open and he answers heartbeats, but he
 *       acks nothing — the case the heartbeat rule cannot see;</li>
 *   <li>bob's process is frozen with SIGSTOP while alice streams.</li>
 * </ol>
 * Each time: alice's backlog never exceeds the cap (the engine's peak is asserted), the sends beyond it are
 * relayed at once (counted as {@code backlogFull}), every message is accepted by the coordinator, and the
 * channel is closed (stall rule, then heartbeat rule). When bob is back to normal he has every message exactly once.
 */
class StalledPeerBacklogTest {
    static final long WAIT = 60_000;
    static final int COUNT = 200;
    static final BacklogLimits LIMITS = new BacklogLimits(64, 128 * 1024, Duration.ofSeconds(3));
    static final String PAD = "x".repeat(8_000);

    @TempDir
    static Path tmp;
    static Coordinator coord;
    static Daemon alice;
    static WireClient a;
    static ForegroundDaemon bob;

    @BeforeAll
    static void setUp() throws Exception {
        TestSupport.requireWebRtc();
        coord = Coordinator.start(CoordinatorConfig.defaults(tmp.resolve("coord")).withListen("127.0.0.1", 0).withStunPort(-1));
        P2pSettings p2p = P2pSettings.defaults().withEngine(P2pConfig.defaults().withBacklog(LIMITS));
        alice = Daemon.start(DaemonOptions.of(tmp.resolve("alice")).withP2p(p2p));
        a = WireClient.of(alice.client());
    }

    @AfterAll
    static void tearDown() {
        if (bob != null) bob.destroy();
        if (alice != null) alice.close();
        if (coord != null) coord.close();
    }

    static MeshDirect direct() {
        return alice.direct().get(alice.session("team").config().meshId());
    }

    static void openChannel(String bobPub) {
        await("alice's channel to bob is open", WAIT, () -> {
            direct().engine().connect(bobPub);
            return direct().engine().state(bobPub) == SessionState.OPEN;
        });
    }

    /** Sends {@link #COUNT} messages as fast as the IPC takes them; returns their client message ids. */
    static List<String> stream(String prefix) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < COUNT; i++) {
            ids.add(a.post("/v1/send", WireClient.map("to", "bob", "message", prefix + i + "-" + PAD)).path("clientMessageId").asText());
        }
        return ids;
    }

    /** Every message is done; bob acked none of them, so none may be done on the direct path. */
    static void allAcceptedByTheCoordinator(List<String> ids) {
        for (String id : ids) {
            JsonNode row = await("done " + id, Duration.ofMillis(WAIT), () -> {
                JsonNode r = a.message(id);
                return "done".equals(r.path("state").asText()) ? r : null;
            });
            String receipt = row.path("recipients").get(0).path("messageId").asText();
            assertFalse(receipt.startsWith("p2p:"), id + " was never acked by bob, yet done on the direct path: " + row);
        }
    }

    static void exactlyOnce(WireClient b, String prefix) {
        await("bob has all " + COUNT + " messages of " + prefix, WAIT * 2,
                () -> ForegroundDaemon.inboxCounts(b, prefix).size() == COUNT);
        List<String> dup = new ArrayList<>();
        ForegroundDaemon.inboxCounts(b, prefix).forEach((t, n) -> {
            if (n != 1) dup.add(t.substring(0, t.indexOf('-', prefix.length())) + " x" + n);
        });
        assertTrue(dup.isEmpty(), "each exactly once: " + dup);
    }

    @Test
    void aPeerThatNeverAcksOrIsFrozenCostsTheSenderABoundedBacklogAndEveryMessageArrivesOnce() throws Exception {
        JsonNode created = a.createMesh("team", coord.publicUrl(), "alice", coord.adminToken());
        MeshwireHome bobHome = MeshwireHome.at(tmp.resolve("bob"));
        bob = ForegroundDaemon.start(bobHome, Map.of("MESHWIRE_TEST_HOLD_ACKS", "1"));
        String bobPub = bob.client().join(created.path("invite").asText(), "bob").path("mesh").path("pubkey").asText();
        await("alice sees bob online", WAIT, () -> a.seesOnline("bob"));
        a.send(null, "bob", "hello");
        openChannel(bobPub);
        P2pMetrics metrics = alice.direct().metrics();

        // 1. Bob never acks but answers heartbeats.
        String heldPrefix = "held-" + UUID.randomUUID() + "-";
        List<String> held = stream(heldPrefix);
        allAcceptedByTheCoordinator(held);
        await("alice closes the stalled channel", WAIT, () -> metrics.stalled.sum() >= 1);
        long fullAfterHeld = metrics.backlogFull.sum();
        long peak = direct().engine().peakBacklogBytes();
        System.out.printf("peer that never acks: %d of %d sends relayed because the backlog was full, %d stalled closes, "
                + "backlog peak %d bytes (cap %d)%n", fullAfterHeld, COUNT, metrics.stalled.sum(), peak, LIMITS.maxBytes());
        assertTrue(fullAfterHeld > 0, "sends beyond the cap went to the relay");
        assertTrue(peak > 0 && peak <= LIMITS.maxBytes(), "the backlog stayed under its cap: " + peak);

        bob.shutdown();
        bob = ForegroundDaemon.start(bobHome, Map.of());
        exactlyOnce(bob.client(), heldPrefix);

        // 2. Bob's process is frozen while alice streams.
        openChannel(bobPub);
        String frozenPrefix = "frozen-" + UUID.randomUUID() + "-";
        List<String> frozen;
        bob.signal("STOP");
        try {
            frozen = stream(frozenPrefix);
            allAcceptedByTheCoordinator(frozen);
            await("alice's channel to the frozen bob is closed", WAIT, () -> direct().engine().state(bobPub) != SessionState.OPEN);
        } finally {
            bob.signal("CONT");
        }
        long fullWhileFrozen = metrics.backlogFull.sum() - fullAfterHeld;
        System.out.printf("frozen peer: %d of %d sends relayed because the backlog was full, backlog peak %d bytes (cap %d)%n",
                fullWhileFrozen, COUNT, direct().engine().peakBacklogBytes(), LIMITS.maxBytes());
        assertTrue(fullWhileFrozen > 0, "sends beyond the cap went to the relay");
        assertTrue(direct().engine().peakBacklogBytes() <= LIMITS.maxBytes(), "bounded: " + direct().engine().peakBacklogBytes());
        exactlyOnce(bob.client(), frozenPrefix);
        assertEquals(Boolean.TRUE, a.status().path("daemon").path("p2p").path("metrics").path("backlogFull").asLong() > 0);
        bob.shutdown();
    }
}
