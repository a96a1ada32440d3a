package dev.meshwire.livekit.testserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The stand-in's resume of a live session, proven against {@code @livekit/rtc-node} 1.1.0: the server drops a
 * participant's signal WebSocket (no leave); the SDK resumes ({@code /rtc?reconnect=1&sid=…} with its refreshed token,
 * {@code ReconnectResponse}, {@code SyncState}, ICE restarts) without leaving the room, and data sent meanwhile
 * arrives once each, in order. When the server answers the resume with leave(RECONNECT), the SDK joins afresh.
 */
class RtcNodeResumeTest {
    static final Duration JOIN = RtcNodeRoundTripTest.JOIN;
    static final Duration DATA = RtcNodeRoundTripTest.DATA;

    @BeforeAll
    static void node() {
        NodeRuntime.assumeAvailable();
    }

    static void until(BooleanSupplier cond, String what) throws InterruptedException {
        long deadline = System.nanoTime() + DATA.toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(50); // polling interval of a condition wait
        }
    }

    static long count(NodeParticipant p, String event) throws InterruptedException {
        List<JsonNode> seen = new ArrayList<>();
        p.poll(e -> {
            if (event.equals(e.path("event").asText())) seen.add(e);
            return false;
        }, Duration.ZERO);
        return seen.size();
    }

    @Test
    void rtcNodeResumesALiveSessionAndFallsBackToAFullJoinWhenRefused() throws Exception {
        String secret = RtcNodeRoundTripTest.SECRET;
        try (StandInServer server = new StandInServer(RtcNodeRoundTripTest.KEY, secret)) {
            server.start();
            try (NodeParticipant alice = new NodeParticipant("alice", server.url(), RtcNodeRoundTripTest.token("alice", "r1", secret));
                 NodeParticipant bob = new NodeParticipant("bob", server.url(), RtcNodeRoundTripTest.token("bob", "r1", secret))) {
                alice.awaitEvent("connected", JOIN);
                bob.awaitEvent("connected", JOIN);
                alice.awaitKnows("bob", JOIN);
                bob.awaitKnows("alice", JOIN);

                // Drop alice's signal connection; bob keeps sending to her meanwhile.
                assertTrue(server.dropSignal("r1", "alice"));
                for (int i = 0; i < 20; i++) bob.send("d" + i, "during " + i, true, "t", List.of("alice"), DATA);
                for (int i = 0; i < 20; i++) alice.send("e" + i, "resuming " + i, true, "t", List.of("bob"), DATA);
                alice.awaitEvent("reconnected", JOIN);
                until(() -> server.resumesAccepted() == 1, "the resume to be accepted");
                assertEquals(0, server.resumesRefused(), "a live session is resumed, not re-joined");
                assertEquals(2, server.participants("r1"));
                // The SDK resumed with the token the server refreshed, and told its state.
                List<String> joins = server.joinTokens();
                assertTrue(server.refreshTokens().contains(joins.get(joins.size() - 1)), "resumed with a refresh_token");
                until(() -> !server.syncStates().isEmpty(), "a SyncState");

                // Data both ways after the resume; what bob sent during it arrived once each, in order.
                alice.send("a-after", "alice after resume", true, "t", List.of("bob"), DATA);
                bob.awaitData("alice after resume", DATA);
                bob.send("b-after", "bob after resume", true, "t", List.of("alice"), DATA);
                alice.awaitData("bob after resume", DATA);
                List<String> during = alice.received().stream().filter(p -> p.startsWith("during ")).toList();
                List<String> expected = new ArrayList<>();
                for (int i = 0; i < 20; i++) expected.add("during " + i);
                assertEquals(expected, during, "sent during the resume: once each, in order");
                bob.awaitData("resuming 19", DATA);
                List<String> resuming = bob.received().stream().filter(p -> p.startsWith("resuming ")).toList();
                List<String> expectedResuming = new ArrayList<>();
                for (int i = 0; i < 20; i++) expectedResuming.add("resuming " + i);
                assertEquals(expectedResuming, resuming, "sent by the resuming participant: once each, in order");
                assertFalse(bob.poll(e -> "left".equals(e.path("event").asText()), Duration.ZERO) != null,
                        "bob never saw alice leave");

                // A resume the server refuses (leave RECONNECT): the SDK joins afresh and data flows again.
                server.refuseNextResumes(1);
                long reconnectedBefore = count(alice, "reconnected");
                assertTrue(server.dropSignal("r1", "alice"));
                until(() -> {
                    try {
                        return count(alice, "reconnected") > reconnectedBefore;
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }, "alice reconnected after the refused resume");
                assertEquals(1, server.resumesRefused());
                alice.send("a-full", "alice after full join", true, "t", List.of("bob"), DATA);
                bob.awaitData("alice after full join", DATA);
                bob.send("b-full", "bob after full join", true, "t", List.of("alice"), DATA);
                alice.awaitData("bob after full join", DATA);
            }
        }
    }
}
