package dev.meshwire.livekit.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.livekit.testserver.StandInServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The room client's resume against the stand-in (whose resume is proven against @livekit/rtc-node: RtcNodeResumeTest):
 * the server drops the client's signal connection mid-traffic; the client resumes on the same peer connections (no
 * re-join), and 200 packets each way arrive once each, in order, every send settling. A resume the server refuses
 * falls back to a full re-join.
 */
class RoomClientResumeTest {
    static final Duration WAIT = RoomClientTest.WAIT;
    static final int N = 200;

    static void until(BooleanSupplier cond, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(50); // polling interval of a condition wait
        }
    }

    static RoomClient joined(StandInServer server, String identity, Recorder rec) throws Exception {
        RoomClient c = new RoomClient(RoomConfig.of(server.url(), "r1", identity),
                new RoomToken.Minted(RoomClientTest.KEY, RoomClientTest.SECRET, "r1", identity, Duration.ofHours(1)), rec);
        c.start().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        return c;
    }

    static List<CompletableFuture<Void>> sendAll(RoomClient from, String to, String tag) {
        List<CompletableFuture<Void>> sent = new ArrayList<>();
        for (int i = 0; i < N; i++) sent.add(from.send(List.of(to), "t", (tag + " " + i).getBytes(StandardCharsets.UTF_8), tag + "-" + i));
        return sent;
    }

    @Test
    void aSignalDropMidTrafficResumesWithoutLossOrDuplicates() throws Exception {
        try (StandInServer server = new StandInServer(RoomClientTest.KEY, RoomClientTest.SECRET)) {
            server.start();
            Recorder bobRec = new Recorder();
            Recorder carolRec = new Recorder();
            try (RoomClient bob = joined(server, "bob", bobRec); RoomClient carol = joined(server, "carol", carolRec)) {
                bobRec.awaitEvent("joined carol", WAIT);
                carolRec.awaitEvent("joined bob", WAIT);

                // Traffic both ways, with bob's signal connection dropped in the middle of it.
                List<CompletableFuture<Void>> sent = new ArrayList<>(sendAll(carol, "bob", "c2b"));
                assertTrue(server.dropSignal("r1", "bob"));
                sent.addAll(sendAll(bob, "carol", "b2c"));
                until(() -> bob.resumes() == 1, "bob's resume");
                for (CompletableFuture<Void> f : sent) f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS); // every send settled

                List<String> c2b = IntStream.range(0, N).mapToObj(i -> "c2b " + i).toList();
                List<String> b2c = IntStream.range(0, N).mapToObj(i -> "b2c " + i).toList();
                bobRec.await(r -> r.texts().size() >= N, WAIT, N + " packets at bob");
                carolRec.await(r -> r.texts().size() >= N, WAIT, N + " packets at carol");
                assertEquals(c2b, bobRec.texts(), "carol -> bob across the resume: once each, in order");
                assertEquals(b2c, carolRec.texts(), "bob -> carol across the resume: once each, in order");

                assertEquals(1, server.resumesAccepted());
                assertEquals(0, server.resumesRefused());
                assertEquals(1, bob.stats().joins(), "resumed, not re-joined");
                assertTrue(bobRec.events().stream().noneMatch(e -> e.startsWith("disconnected")), bobRec.events().toString());
                assertFalse(carolRec.events().contains("left bob"), "carol never saw bob leave: " + carolRec.events());
                assertFalse(bobRec.events().contains("left carol"), bobRec.events().toString());
                // The resume used the token the server refreshed, and told the server our state.
                List<String> tokens = server.joinTokens();
                assertTrue(server.refreshTokens().contains(tokens.get(tokens.size() - 1)), "resumed with the refresh_token");
                until(() -> !server.syncStates().isEmpty(), "bob's SyncState");
                var sync = server.syncStates().get(0);
                assertTrue(sync.hasOffer() && sync.hasAnswer(), "SyncState carries our publisher offer and subscriber answer");
                assertTrue(sync.getDataChannelsList().stream().anyMatch(d -> d.getLabel().equals("_reliable")), sync.toString());

                // A refused resume (leave RECONNECT): a full re-join, and data flows again.
                server.refuseNextResumes(1);
                assertTrue(server.dropSignal("r1", "bob"));
                until(() -> bob.stats().joins() == 2 && bob.isConnected(), "bob's full re-join");
                assertEquals(1, server.resumesRefused());
                until(() -> {
                    try {
                        return bob.participants().get().stream().anyMatch(p -> p.identity().equals("carol"));
                    } catch (Exception e) {
                        return false;
                    }
                }, "carol present for bob again");
                bob.send(List.of("carol"), "t", "after the re-join".getBytes(StandardCharsets.UTF_8)).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                carolRec.awaitText("after the re-join", WAIT);
            }
        }
    }
}
