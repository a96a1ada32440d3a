package dev.meshwire.coordinator;

import static org.junit.jupiter.api.Assertions.*;

import dev.meshwire.coordinator.flow.FlowLimits;
import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.frame.ErrorCode;
import dev.meshwire.signaling.frame.Frame;
import dev.meshwire.signaling.frame.FrameCodec;
import dev.meshwire.signaling.frame.Frames;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Signalling rate limits per member and per pair (default limits), with the coordinator staying responsive to others. */
class SignalRateLimitTest extends SharedCoordinator {
    static final String SESSION = "0123456789abcdef0123456789abcdef";

    /** A p2p_candidate as JSON text; signalling frames have no id field, but a client may add one and errors echo it. */
    static String candidate(String id, String to, int n) {
        String json = FrameCodec.encode(new Frames.P2pCandidate(null, null, to, SESSION, "0", 0,
                "candidate:" + n + " 1 udp 2122260223 10.0.0.1 " + (40000 + n % 20000) + " typ host"));
        return "{\"id\":\"" + id + "\"," + json.substring(1);
    }

    static long count(TestPeer p, Class<? extends Frame> type) {
        return p.seen().stream().filter(type::isInstance).count();
    }

    static List<Frames.Error> rateLimited(TestPeer p) {
        return p.seen().stream().filter(f -> f instanceof Frames.Error e && ErrorCode.RATE_LIMITED.equals(e.code())).map(Frames.Error.class::cast).toList();
    }

    static double limited(CoordinatorFixture f, String scope) {
        return f.coordinator.metrics().count("meshwire_signal_rate_limited", "scope", scope);
    }

    static double limited(CoordinatorFixture f) {
        return limited(f, "member") + limited(f, "pair");
    }

    /** Waits until the peers have received {@code expected} candidates in total (a short message on failure: floods are long). */
    static void awaitCandidates(long expected, TestPeer... peers) throws InterruptedException {
        long deadline = System.nanoTime() + TestPeer.TIMEOUT.toNanos();
        long got = 0;
        while (System.nanoTime() < deadline) {
            got = 0;
            for (TestPeer p : peers) got += count(p, Frames.P2pCandidate.class);
            if (got == expected) return;
            Thread.sleep(50); // poll interval of a condition wait
        }
        fail("expected " + expected + " forwarded candidates, got " + got);
    }

    @Test
    void aNormalIceBurstOfFortyCandidatesIsForwardedWhole() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "ice-burst");
        double before = limited(fx);
        try (TestPeer alice = Meshes.owner(fx, m); TestPeer bob = Meshes.joined(fx, m, Identity.generate(), "bob")) {
            for (int i = 0; i < 40; i++) alice.sendRaw(candidate("c" + i, bob.pubkey(), i));
            alice.sync("after-burst");
            awaitCandidates(40, bob);
            assertEquals(List.of(), rateLimited(alice), "a 40-candidate burst is not limited");
            assertEquals(before, limited(fx));
        }
    }

    @Test
    void aFloodIsRateLimitedAnsweredAtMostOnceASecondCountedAndOthersStayResponsive() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "sig-flood");
        double pairBefore = limited(fx, "pair");
        double before = limited(fx);
        try (TestPeer alice = Meshes.owner(fx, m); TestPeer bob = Meshes.joined(fx, m, Identity.generate(), "bob");
             TestPeer carol = Meshes.joined(fx, m, Identity.generate(), "carol")) {
            int flood = 3000;
            long start = System.nanoTime();
            for (int i = 0; i < flood; i++) {
                alice.sendRaw(candidate("f" + i, bob.pubkey(), i));
                if (i == flood / 2) {
                    // Mid-flood, another member's requests are answered promptly.
                    long t0 = System.nanoTime();
                    carol.sync("carol-ping");
                    carol.send(new Frames.ListPeers("carol-lp"));
                    carol.await(Frames.Peers.class, p -> "carol-lp".equals(p.id()));
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    assertTrue(ms < 5000, "ping + list_peers took " + ms + " ms during the flood");
                }
            }
            alice.sync("after-flood");
            double seconds = (System.nanoTime() - start) / 1e9;
            assertTrue(limited(fx, "pair") > pairBefore, "the flood hit the pair limit");
            // Nothing is lost silently: each frame was forwarded or counted as refused (by the pair or, later, the member limit).
            awaitCandidates(flood - Math.round(limited(fx) - before), bob);
            List<Frames.Error> answers = rateLimited(alice);
            assertFalse(answers.isEmpty(), "the sender is told");
            assertTrue(answers.get(0).id() != null && answers.get(0).id().startsWith("f"), "the answer echoes the refused frame's id: " + answers.get(0));
            assertTrue(answers.size() <= seconds + 2, answers.size() + " rate_limited answers in " + seconds + " s: at most one a second");
            assertTrue(fx.get("/metrics").text().contains("meshwire_signal_rate_limited_total{scope=\"pair\"}"), "shown in /metrics");
        }
    }

    @Test
    void theMemberLimitCoversAllRecipientsTogether() throws Exception {
        try (CoordinatorFixture tight = new CoordinatorFixture(c -> c.withFlow(FlowLimits.defaults().withSignalRates(1, 10, 0, 1)))) {
            Meshes.Mesh m = Meshes.create(tight, "sig-member");
            try (TestPeer alice = Meshes.owner(tight, m); TestPeer bob = Meshes.joined(tight, m, Identity.generate(), "bob");
                 TestPeer carol = Meshes.joined(tight, m, Identity.generate(), "carol")) {
                for (int i = 0; i < 20; i++) alice.sendRaw(candidate("m" + i, (i % 2 == 0 ? bob : carol).pubkey(), i));
                alice.sync("after");
                long refused = Math.round(limited(tight, "member"));
                assertTrue(refused >= 8, "a burst of 10 (refilled at 1/s) lets about 10 of 20 through; refused " + refused);
                awaitCandidates(20 - refused, bob, carol);
                assertEquals(ErrorCode.RATE_LIMITED, alice.await(Frames.Error.class).code());
                assertTrue(tight.get("/metrics").text().contains("meshwire_limit{name=\"signal_rate_per_member\"} 1.0"), "the limit is shown");
            }
        }
    }
}
