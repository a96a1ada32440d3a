package dev.meshwire.peer.daemon;

import static dev.meshwire.peer.TestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.coordinator.Coordinator;
import dev.meshwire.coordinator.CoordinatorConfig;
import dev.meshwire.peer.home.MeshwireHome;
import dev.meshwire.peer.ipc.IpcException;
import dev.meshwire.peer.ipc.WireClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Group commits and kill -9 (issue #10: "a kill -9 in the middle of a batched commit"). Both daemons are separate
 * processes ({@code meshwire up --foreground}, p2p off: the relay path) so they can be SIGKILLed while batches are
 * being committed:
 * <ul>
 *   <li><b>sender</b>: an app streams {@code POST /v1/send/batch} calls into alice and alice is killed mid-stream. Every
 *       send of every batch that was answered must reach bob exactly once (answered = committed); the batch in flight
 *       at the kill, sent again as it is to the restarted alice, is idempotent (nothing twice).</li>
 *   <li><b>receiver</b>: bob is killed while his inbox group-commits a stream of deliveries; restarted, he holds every
 *       message exactly once (what he committed but had not acked is redelivered and deduped; what he had not committed
 *       was not acked and is redelivered).</li>
 * </ul>
 */
class BatchedCommitCrashTest {
    static final Duration WAIT = Duration.ofSeconds(120);
    static final Map<String, String> RELAY_ONLY = Map.of("MESHWIRE_P2P", "off");

    @TempDir
    Path tmp;
    Coordinator coord;
    ForegroundDaemon alice;
    ForegroundDaemon bob;

    @BeforeEach
    void meshOfTwo() throws Exception {
        coord = Coordinator.start(CoordinatorConfig.defaults(tmp.resolve("coord")).withListen("127.0.0.1", 0).withStunPort(-1)
                .withQueue(dev.meshwire.coordinator.queue.QueueSettings.defaults().withRateLimit(0, 0)));
        alice = ForegroundDaemon.start(MeshwireHome.at(tmp.resolve("alice")), RELAY_ONLY);
        bob = ForegroundDaemon.start(MeshwireHome.at(tmp.resolve("bob")), RELAY_ONLY);
        String invite = alice.client().createMesh("team", coord.publicUrl(), "alice", coord.adminToken()).path("invite").asText();
        bob.client().join(invite, "bob");
        await("alice sees bob online", WAIT, () -> alice.client().seesOnline("bob") ? true : null);
    }

    @AfterEach
    void stop() {
        if (alice != null) alice.destroy();
        if (bob != null) bob.destroy();
        if (coord != null) coord.close();
    }

    /** One batch of {@code n} sends to bob: texts {@code prefix-<batch>-<i>}, ids = texts. */
    static List<Map<String, Object>> batch(String prefix, int b, int n) {
        List<Map<String, Object>> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String t = prefix + "-" + b + "-" + i;
            items.add(WireClient.map("to", "bob", "message", t, "clientMessageId", t));
        }
        return items;
    }

    static List<String> texts(List<Map<String, Object>> batch) {
        return batch.stream().map(m -> (String) m.get("message")).toList();
    }

    @Test
    void senderKilledWhileBatchesCommitLosesNoAnsweredSendAndDuplicatesNothing() throws Exception {
        WireClient a = alice.client();
        List<String> answered = new ArrayList<>();
        List<List<Map<String, Object>>> unanswered = new ArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<Void> app = CompletableFuture.runAsync(() -> {
            for (int b = 0; !stop.get(); b++) {
                List<Map<String, Object>> items = batch("s", b, 100);
                try {
                    JsonNode r = a.post("/v1/send/batch", WireClient.map("messages", items));
                    assertEquals(100, r.path("accepted").asInt(), r.toString());
                    synchronized (answered) {
                        answered.addAll(texts(items));
                    }
                } catch (IpcException e) {
                    unanswered.add(items); // the daemon died under this call: committed or not, nobody knows
                    return;
                }
            }
        });
        await("alice answered a few batches", WAIT, () -> {
            synchronized (answered) {
                return answered.size() >= 500 ? true : null;
            }
        });
        alice.process().destroyForcibly(); // SIGKILL, while the app keeps sending batches
        assertTrue(alice.process().waitFor(20, TimeUnit.SECONDS), "alice's process is gone");
        stop.set(true);
        app.get(60, TimeUnit.SECONDS);

        alice = ForegroundDaemon.start(MeshwireHome.at(tmp.resolve("alice")), RELAY_ONLY);
        Set<String> all = new LinkedHashSet<>(answered);
        for (List<Map<String, Object>> items : unanswered) {
            // The same batch again: every send is idempotent by its id (accepted now, or a duplicate of the commit).
            JsonNode r = alice.client().post("/v1/send/batch", WireClient.map("messages", items));
            assertEquals(items.size(), r.path("accepted").asInt(), r.toString());
            all.addAll(texts(items));
        }
        Map<String, Integer> got = await("bob has every answered send", WAIT, () -> {
            Map<String, Integer> n = counts(bob.client(), "s-");
            return n.keySet().containsAll(all) ? n : null;
        });
        Map<String, Integer> twice = new HashMap<>();
        got.forEach((t, n) -> {
            if (n > 1) twice.put(t, n);
        });
        assertEquals(Map.of(), twice, "nothing shown twice");
        assertEquals(all, got.keySet(), "only what the app sent");
    }

    @Test
    void receiverKilledWhileItsInboxGroupCommitsGetsEverythingExactlyOnce() throws Exception {
        List<String> sent = sendBatches("r", 20);
        await("bob is storing the stream", WAIT, () -> counts(bob.client(), "r-").size() >= 200 ? true : null);
        bob.process().destroyForcibly(); // SIGKILL mid-stream: group commits in progress, acks in flight
        assertTrue(bob.process().waitFor(20, TimeUnit.SECONDS), "bob's process is gone");
        bob = ForegroundDaemon.start(MeshwireHome.at(tmp.resolve("bob")), RELAY_ONLY);
        awaitEachOnce("r-", sent);
        // Relay deliveries of one sender keep their order through the group commits, the kill and the redelivery.
        List<String> order = new ArrayList<>();
        for (JsonNode m : bob.client().inbox(null, 10_000).path("items")) {
            if (m.path("text").asText().startsWith("r-")) order.add(m.path("text").asText());
        }
        assertEquals(sent, order, "inbox order = send order");
    }

    /**
     * The drain claims a batch of copies with one statement and commits it before sending: alice is SIGKILLed as soon as
     * her outbox file shows claimed copies {@code inflight} while an app streams batches into her (claims committed, sends
     * unanswered; the kill lands a few ms later, so the on-disk state is usually but not always still inflight). The
     * restarted alice makes inflight copies pending again and resends them; bob shows each message once and alice's
     * outbox ends with every request done and nothing in flight.
     */
    @Test
    void senderKilledWithClaimedCopiesInFlightResendsThemAndDuplicatesNothing() throws Exception {
        List<String> sent = new ArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<Void> app = CompletableFuture.runAsync(() -> {
            for (int b = 0; !stop.get() && b < 100; b++) { // at most 10,000: the outbox listing below reads that many
                List<Map<String, Object>> items = batch("c", b, 100);
                try {
                    alice.client().post("/v1/send/batch", WireClient.map("messages", items));
                } catch (IpcException e) {
                    synchronized (sent) {
                        sent.addAll(texts(items)); // maybe committed: sent again below
                    }
                    return;
                }
                synchronized (sent) {
                    sent.addAll(texts(items));
                }
            }
        });
        Path outbox = MeshwireHome.at(tmp.resolve("alice")).daemonDir().resolve("outbox.db");
        await("alice's drain has claimed copies in flight", WAIT, () -> inflight(outbox) > 0 ? true : null);
        alice.process().destroyForcibly(); // SIGKILL: claims committed, their sends unanswered
        assertTrue(alice.process().waitFor(20, TimeUnit.SECONDS), "alice's process is gone");
        stop.set(true);
        app.get(60, TimeUnit.SECONDS);

        alice = ForegroundDaemon.start(MeshwireHome.at(tmp.resolve("alice")), RELAY_ONLY);
        List<String> all;
        synchronized (sent) {
            all = List.copyOf(new LinkedHashSet<>(sent));
        }
        // The batch the kill cut short, again: idempotent by its ids.
        List<Map<String, Object>> last = new ArrayList<>();
        for (String t : all.subList(Math.max(0, all.size() - 100), all.size())) last.add(WireClient.map("to", "bob", "message", t, "clientMessageId", t));
        alice.client().post("/v1/send/batch", WireClient.map("messages", last));
        awaitEachOnce("c-", all);
        await("alice's outbox has no copy in flight and every request done", WAIT,
                () -> inflight(outbox) == 0 && alice.client().outbox("done", 10_000).path("items").size() == all.size() ? true : null);
    }

    /** Copies {@code inflight} in the outbox file, read through a connection of its own (WAL: it sees what is committed). */
    static int inflight(Path outboxDb) {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + outboxDb);
             java.sql.Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM outbox_copy WHERE state = 'inflight'")) {
            return rs.next() ? rs.getInt(1) : 0;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot read " + outboxDb + ": " + e.getMessage(), e);
        }
    }

    /** {@code batches} answered batches of 100 sends to bob through alice; their texts in order. */
    List<String> sendBatches(String prefix, int batches) {
        List<String> sent = new ArrayList<>();
        for (int b = 0; b < batches; b++) {
            List<Map<String, Object>> items = batch(prefix, b, 100);
            assertEquals(100, alice.client().post("/v1/send/batch", WireClient.map("messages", items)).path("accepted").asInt());
            sent.addAll(texts(items));
        }
        return sent;
    }

    /** Waits until bob holds every text of {@code sent}, then checks he holds nothing else and nothing twice. */
    void awaitEachOnce(String prefix, List<String> sent) {
        Map<String, Integer> got = await("bob has all " + sent.size(), WAIT, () -> {
            Map<String, Integer> n = counts(bob.client(), prefix);
            return n.size() >= sent.size() ? n : null;
        });
        assertEquals(new LinkedHashSet<>(sent), got.keySet(), "every message");
        assertEquals(0, got.values().stream().filter(n -> n > 1).count(), "nothing shown twice");
    }

    static Map<String, Integer> counts(WireClient cl, String prefix) {
        return ForegroundDaemon.inboxCounts(cl, prefix);
    }
}
