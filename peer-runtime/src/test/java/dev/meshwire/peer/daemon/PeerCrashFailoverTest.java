package dev.meshwire.peer.daemon;

import static dev.meshwire.peer.TestSupport.await;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.coordinator.Coordinator;
import dev.meshwire.coordinator.CoordinatorConfig;
import dev.meshwire.peer.TestSupport;
import dev.meshwire.peer.home.MeshwireHome;
import dev.meshwire.peer.ipc.WireClient;
import dev.meshwire.peer.p2p.MeshDirect;
import dev.meshwire.peer.p2p.SessionState;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #17 item 1, with a real crash: alice (a daemon in this JVM) has an OPEN direct channel to bob,
 * whose daemon is a <b>separate process</b> ({@code meshwire up --foreground}, the same class path), and
 * bob's process is SIGKILLed while alice keeps sending. Bob holds his acks
 * ({@code MESHWIRE_TEST_HOLD_ACKS=1}: he stores what arrives but acks nothing), so at the kill alice has
 * direct messages that bob stored but never acked — the case that used to sit on the dead channel until
 * ICE gave up (~17 s). Now the coordinator's {@code peer_left} (bob's TCP connection closes at the kill)
 * closes the channel at once and every unacked or later message is accepted by the coordinator (queued
 * for bob) within 2 s of the kill. When bob comes back (without the hook) he has every message exactly
 * once: the ones he had stored from the direct path are deduped against the relay's copies.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PeerCrashFailoverTest {
    static final long WAIT = 60_000;
    /** The product target (issue #17): unacked direct messages on the relay within 2 s of a peer crash. */
    static final long TARGET_MS = 2_000;

    @TempDir
    static Path tmp;
    static Coordinator coord;
    static Daemon alice;
    static WireClient a;
    static Process bobProcess;

    @BeforeAll
    static void setUp() throws Exception {
        TestSupport.requireWebRtc();
        // The default 90 s presence lease: a crashed process closes its socket without a close frame, which the
        // coordinator announces at once (docs/protocol.md §6 "Continuous presence"), so failover needs no lease tweak.
        coord = Coordinator.start(CoordinatorConfig.defaults(tmp.resolve("coord")).withListen("127.0.0.1", 0).withStunPort(-1));
        alice = Daemon.start(DaemonOptions.of(tmp.resolve("alice")));
        a = WireClient.of(alice.client());
    }

    @AfterAll
    static void tearDown() {
        if (bobProcess != null && bobProcess.isAlive()) bobProcess.destroyForcibly();
        if (alice != null) alice.close();
        if (coord != null) coord.close();
    }

    /** Bob's daemon as a child process, with the test hook in its environment or not. */
    static WireClient startBob(MeshwireHome home, boolean holdAcks) throws IOException {
        ForegroundDaemon d = ForegroundDaemon.start(home, holdAcks ? Map.of("MESHWIRE_TEST_HOLD_ACKS", "1") : Map.of());
        bobProcess = d.process();
        return d.client();
    }


    static String send(String to, String text) {
        return a.post("/v1/send", WireClient.map("to", to, "message", text)).path("clientMessageId").asText();
    }

    static Map<String, Integer> inboxCounts(WireClient cl, String prefix) {
        return ForegroundDaemon.inboxCounts(cl, prefix);
    }

    static MeshDirect direct() {
        return alice.direct().get(alice.session("team").config().meshId());
    }

    record Sent(String text, String id, long sentAt) {}

    @Test
    @Order(1)
    void unackedDirectMessagesAreOnTheRelayWithin2sOfAKill9AndArriveExactlyOnce() throws Exception {
        JsonNode created = a.createMesh("team", coord.publicUrl(), "alice", coord.adminToken());
        String invite = created.path("invite").asText();
        MeshwireHome bobHome = MeshwireHome.at(tmp.resolve("bob"));
        WireClient b = startBob(bobHome, true);
        String bobPub = b.join(invite, "bob").path("mesh").path("pubkey").asText();
        await("alice sees bob online", WAIT, () -> a.seesOnline("bob"));

        String prefix = "crash-" + UUID.randomUUID() + "-";
        List<Sent> sent = new CopyOnWriteArrayList<>();
        String first = prefix + "first";
        sent.add(new Sent(first, send("bob", first), System.currentTimeMillis()));
        await("alice's channel to bob is open", WAIT, () -> {
            direct().engine().connect(bobPub);
            return direct().engine().state(bobPub) == SessionState.OPEN;
        });
        // Direct messages that bob stores but never acks: unacked on alice's channel at the kill.
        for (int i = 0; i < 5; i++) {
            String t = prefix + "held-" + i;
            sent.add(new Sent(t, send("bob", t), System.currentTimeMillis()));
        }
        await("bob stored the held messages from the direct path", WAIT, () -> inboxCounts(b, prefix + "held-").size() == 5);
        for (JsonNode m : b.inbox(null, 10_000).path("items")) {
            if (m.path("text").asText().startsWith(prefix + "held-")) assertTrue(m.path("path").asText().startsWith("direct"), m.toString());
        }
        for (Sent s : sent.subList(1, sent.size())) {
            assertEquals("inflight", a.message(s.id()).path("state").asText(), "unacked on the direct channel before the kill: " + s.text());
        }

        // Alice keeps sending (every 50 ms) from before the kill until 1 s after it.
        AtomicLong killAt = new AtomicLong();
        PacedSender sender = PacedSender.start(50, i -> {
            String t = prefix + "stream-" + i;
            sent.add(new Sent(t, send("bob", t), System.currentTimeMillis()));
        }, () -> killAt.get() != 0 && System.currentTimeMillis() > killAt.get() + 1_000);
        await("alice sent a few while bob is alive", WAIT, () -> sent.size() >= 10);
        killAt.set(System.currentTimeMillis());
        bobProcess.destroyForcibly(); // SIGKILL
        assertTrue(bobProcess.waitFor(20, TimeUnit.SECONDS), "bob's process is gone");
        sender.awaitDone(30);

        // Every message is accepted by the coordinator (bob is offline: queued for him), none on the direct path.
        long unackedAtKill = 0;   // kill -> the last message that was on the direct path at the kill is accepted by the coordinator
        long sentAfterKill = 0;   // the longest any message sent after the kill waited before the coordinator accepted it
        long last = 0;            // kill -> the last message of the whole run accepted
        int onDirectAtKill = 0;
        int afterKill = 0;
        for (Sent s : sent) {
            JsonNode row = await("done " + s.text(), Duration.ofMillis(WAIT), () -> {
                JsonNode r = a.message(s.id());
                return "done".equals(r.path("state").asText()) ? r : null;
            });
            if (s.text().equals(first)) continue; // went via the relay before any channel existed
            long doneAt = row.path("doneAt").asLong();
            String receipt = row.path("recipients").get(0).path("messageId").asText();
            // Bob acked nothing, so no message may be done on the direct path.
            assertFalse(receipt.startsWith("p2p:"), s.text() + " was never acked by bob, yet done on the direct path: " + row);
            last = Math.max(last, doneAt - killAt.get());
            if (s.sentAt() < killAt.get()) {
                onDirectAtKill++;
                unackedAtKill = Math.max(unackedAtKill, doneAt - killAt.get());
            } else {
                afterKill++;
                sentAfterKill = Math.max(sentAfterKill, doneAt - row.path("createdAt").asLong());
            }
        }
        System.out.printf("peer crash (kill -9): %d messages unacked on the direct channel at the kill, all accepted by the coordinator "
                + "%d ms after the kill; %d sent in the second after the kill, each accepted within %d ms of its send; the last of all "
                + "%d ms after the kill; target %d ms%n", onDirectAtKill, unackedAtKill, afterKill, sentAfterKill, last, TARGET_MS);
        assertTrue(onDirectAtKill >= 5 && afterKill > 0, "direct messages unacked at the kill, and alice kept sending after it");
        assertTrue(unackedAtKill <= TARGET_MS, "unacked direct messages on the relay within " + TARGET_MS + " ms of the crash: took " + unackedAtKill + " ms");
        assertTrue(sentAfterKill <= TARGET_MS, "a message sent after the crash waited " + sentAfterKill + " ms");
        await("alice's channel to bob is gone", WAIT, () -> direct().engine().state(bobPub) == null);

        // Bob comes back (without the hook): everything exactly once.
        WireClient b2 = startBob(bobHome, false);
        await("bob has all " + sent.size() + " messages", WAIT * 2, () -> inboxCounts(b2, prefix).size() == sent.size());
        Map<String, Integer> counts = inboxCounts(b2, prefix);
        List<String> dup = new ArrayList<>();
        counts.forEach((t, n) -> {
            if (n != 1) dup.add(t + " x" + n);
        });
        assertTrue(dup.isEmpty(), "each exactly once: " + dup);
        bob = b2;
        PeerCrashFailoverTest.bobPub = bobPub;
    }

    static WireClient bob;
    static String bobPub;

    /**
     * The case the coordinator does not see: bob's daemon is frozen (SIGSTOP) — its TCP connection to the
     * coordinator stays up, so no {@code peer_left} comes for 75 s — while alice streams to him over an open
     * channel. Alice's heartbeat gets no answer and her channel is closed 6.5 s after she last heard from
     * bob (ICE DISCONNECTED may untrust it earlier: whichever comes first); every unacked message goes to the
     * relay. After SIGCONT bob has each message exactly once. The bound asserted is 6.5 s plus slack for a
     * loaded machine; the measurement is printed.
     */
    @Test
    @Order(2)
    void aFrozenPeerIsDroppedByTheHeartbeatAndItsMessagesGoToTheRelay() throws Exception {
        assertNotNull(bob, "runs after the kill -9 test, which leaves bob running");
        await("alice's channel to bob is open again", WAIT, () -> {
            direct().engine().connect(bobPub);
            return direct().engine().state(bobPub) == SessionState.OPEN;
        });
        String prefix = "frozen-" + UUID.randomUUID() + "-";
        List<Sent> sent = new CopyOnWriteArrayList<>();
        AtomicLong stopAt = new AtomicLong();
        PacedSender sender = PacedSender.start(100, i -> {
            String t = prefix + i;
            sent.add(new Sent(t, send("bob", t), System.currentTimeMillis()));
        }, () -> stopAt.get() != 0 && System.currentTimeMillis() > stopAt.get() + 2_000);
        await("alice sent a few while bob runs", WAIT, () -> sent.size() >= 5);
        stopAt.set(System.currentTimeMillis());
        signal("STOP", bobProcess.pid());
        try {
            sender.awaitDone(30);
            long closedAt = await("alice's channel to the frozen bob is closed", Duration.ofSeconds(30),
                    () -> direct().engine().state(bobPub) == null ? System.currentTimeMillis() : null);
            long last = 0;
            for (Sent s : sent) {
                JsonNode row = await("done " + s.text(), Duration.ofMillis(WAIT), () -> {
                    JsonNode r = a.message(s.id());
                    return "done".equals(r.path("state").asText()) ? r : null;
                });
                last = Math.max(last, row.path("doneAt").asLong() - stopAt.get());
            }
            System.out.printf("frozen peer (SIGSTOP, coordinator unaware): channel closed %d ms after the freeze; every message "
                    + "(%d, sent until 2 s after it) accepted by the coordinator %d ms after the freeze (rule: 6500 ms after the last frame heard)%n",
                    closedAt - stopAt.get(), sent.size(), last);
            // 6.5 s of trust + one more heartbeat interval at most since bob's last frame was before the freeze; slack for load.
            assertTrue(closedAt - stopAt.get() <= 6_500 + 6_000, "closed by the heartbeat rule: " + (closedAt - stopAt.get()) + " ms");
            assertTrue(last <= 6_500 + 6_000, "all on the relay: " + last + " ms");
        } finally {
            signal("CONT", bobProcess.pid());
        }
        await("bob has all " + sent.size() + " messages", WAIT * 2, () -> inboxCounts(bob, prefix).size() == sent.size());
        List<String> dup = new ArrayList<>();
        inboxCounts(bob, prefix).forEach((t, n) -> {
            if (n != 1) dup.add(t + " x" + n);
        });
        assertTrue(dup.isEmpty(), "each exactly once: " + dup);
        bob.shutdown();
        assertTrue(bobProcess.waitFor(30, TimeUnit.SECONDS), "bob's daemon stops");
    }

    static void signal(String sig, long pid) throws Exception {
        ForegroundDaemon.signal(sig, pid);
    }
}
