package dev.meshwire.e2e;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.peer.TestSupport;
import dev.meshwire.peer.ipc.WireClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Nothing is lost and nothing is shown twice, whatever crashes when", with real processes: a
 * coordinator process (SQLite or PostgreSQL, by subclass) and two daemon processes started by
 * {@code meshwire up}, killed with SIGKILL where the scenario says so.
 */
abstract class DurableDeliveryIT {
    @TempDir
    Path dir;

    CoordinatorProcess coordinator;
    DaemonProcess alice;
    DaemonProcess bob;

    /** null for SQLite, else a PostgreSQL URL of an empty database. */
    abstract String dbUrl();

    @BeforeEach
    void meshOfTwo() throws Exception {
        coordinator = CoordinatorProcess.start(dir, dbUrl());
        alice = new DaemonProcess(new Cli(dir.resolve("alice"), Map.of("MESHWIRE_ADMIN_TOKEN", coordinator.adminToken())));
        bob = new DaemonProcess(new Cli(dir.resolve("bob"), Map.of()));
        String invite = alice.cli().run("mesh", "create", "team", "--coordinator", coordinator.wsUrl(), "--name", "alice", "--json")
                .ok().json().get("invite").asText();
        bob.cli().run("join", invite, "--name", "bob", "--json").ok();
    }

    @AfterEach
    void stopAll() throws Exception {
        if (alice != null) alice.down();
        if (bob != null) bob.down();
        if (coordinator != null) coordinator.close();
    }

    @Test
    void offlinePeerGetsAThousandMessagesInOrderExactlyOnce() {
        bob.down();
        WireClient a = alice.ipc();
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            String text = String.format("offline-%04d", i);
            a.send("team", "bob", text);
            sent.add(text);
        }
        bob.up();
        List<String> received = TestSupport.await("bob's inbox has 1000 messages", Duration.ofSeconds(300), () -> {
            List<String> in = inboxTexts(bob.ipc());
            return in.size() >= 1000 ? in : null;
        });
        assertEquals(sent, received, "exactly the 1000 messages, in send order, none twice");
    }

    @Test
    void coordinatorKilledBetweenPushAndAckRedeliversAndBobShowsItOnce() throws Exception {
        // bob's daemon stores deliveries but holds back client_ack (test hook), so the coordinator
        // has pushed the message but has not recorded its delivery when it dies.
        bob.down();
        DaemonProcess holdingBob = new DaemonProcess(new Cli(bob.cli().home(), Map.of("MESHWIRE_TEST_HOLD_ACKS", "1")));
        holdingBob.up();
        alice.ipc().send("team", "bob", "crash-between-claim-and-ack");
        TestSupport.await("bob stored the message (unacked)", Duration.ofSeconds(30),
                () -> inboxTexts(bob.ipc()).contains("crash-between-claim-and-ack"));

        coordinator.kill9();
        holdingBob.down();
        coordinator.restart();
        bob.up(); // acks normally now

        TestSupport.await("the restarted coordinator redelivers to bob", Duration.ofSeconds(120),
                () -> bob.ipc().status().at("/daemon/duplicates").asLong() >= 1);
        assertEquals(List.of("crash-between-claim-and-ack"), inboxTexts(bob.ipc()), "shown once");
    }

    @Test
    void sendingDaemonKilledMidDrainDeliversEveryAcceptedMessageOnce() throws Exception {
        // Accept 300 messages while the coordinator is away, so they sit in alice's outbox...
        coordinator.kill9();
        WireClient a = alice.ipc();
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            String text = String.format("drain-%03d", i);
            JsonNode r = a.send("team", "bob", text);
            assertNotNull(r.get("clientMessageId"), r.toString());
            sent.add(text);
        }
        // ...then let the drain start, and kill alice's daemon as soon as some have gone out.
        coordinator.restart();
        TestSupport.await("alice's drain has delivered some", Duration.ofSeconds(120),
                () -> alice.ipc().status().at("/daemon/outbox/done").asLong() > 0);
        alice.kill9();
        alice.up();

        List<String> received = TestSupport.await("bob has all 300", Duration.ofSeconds(300), () -> {
            List<String> in = inboxTexts(bob.ipc());
            return new HashSet<>(in).containsAll(sent) ? in : null;
        });
        assertEquals(300, received.size(), "no message shown twice");
        assertEquals(new HashSet<>(sent), new HashSet<>(received));
        JsonNode states = alice.ipc().status().at("/daemon/outbox/states");
        assertEquals(300, states.path("done").asInt(), "every accepted message is done: " + states);
    }

    @Test
    void reconnectStormLosesNothingAndShowsNothingTwice() throws Exception {
        WireClient a = alice.ipc();
        WireClient b = bob.ipc();
        AtomicBoolean storming = new AtomicBoolean(true);
        AtomicInteger sentCount = new AtomicInteger();
        List<String> sent = java.util.Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> {
            WireClient sendClient = alice.ipc();
            while (storming.get()) {
                String text = "storm-" + sentCount.getAndIncrement();
                sendClient.send("team", "bob", text);
                sent.add(text);
            }
        });
        long start = System.nanoTime();
        for (int cycle = 0; cycle < 100; cycle++) {
            WireClient victim = cycle % 2 == 0 ? b : a;
            victim.post("/v1/reconnect", Map.of("mesh", "team"));
        }
        long stormSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        storming.set(false);
        sender.get(60, TimeUnit.SECONDS);
        assertTrue(stormSeconds <= 60, "100 reconnect cycles took " + stormSeconds + " s");
        assertTrue(sent.size() > 100, "messages were sent during the storm: " + sent.size());

        List<String> received = TestSupport.await("bob has every message sent during the storm", Duration.ofSeconds(300), () -> {
            List<String> in = inboxTexts(b);
            return new HashSet<>(in).containsAll(sent) ? in : null;
        });
        Map<String, Integer> counts = new HashMap<>();
        for (String t : received) counts.merge(t, 1, Integer::sum);
        Set<String> twice = new HashSet<>();
        counts.forEach((t, n) -> { if (n > 1) twice.add(t); });
        assertEquals(Set.of(), twice, "shown twice");
        assertEquals(sent.size(), received.size(), "lost or extra messages");
    }

    /** bob's inbox texts in arrival order, without marking anything seen. */
    static List<String> inboxTexts(WireClient c) {
        JsonNode in = c.get("/v1/inbox?limit=10000&peek=true");
        List<String> out = new ArrayList<>();
        for (JsonNode m : in.get("items")) out.add(m.get("text").asText());
        return out;
    }
}
