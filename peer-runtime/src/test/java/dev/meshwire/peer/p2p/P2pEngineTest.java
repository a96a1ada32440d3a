package dev.meshwire.peer.p2p;

import dev.meshwire.peer.TestSupport;
import static dev.meshwire.peer.p2p.Recorder.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.meshwire.signaling.crypto.Identity;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real WebRTC: two engines in one JVM, host candidates on this machine's non-loopback interface,
 * signaling through {@link InMemorySignaling}. Nothing under test is mocked.
 */
class P2pEngineTest {
    static final String MESH = "mesh-p2p-test";
    static final Duration OPEN_WAIT = Duration.ofSeconds(15);

    Identity a;
    Identity b;
    InMemorySignaling hub;
    Recorder ra;
    Recorder rb;
    P2pEngine ea;
    P2pEngine eb;

    @BeforeAll
    static void nativeLibrary() {
        TestSupport.requireWebRtc();
    }

    /** Two members; {@code a} always has the smaller key (the glare winner). */
    void start(P2pConfig cfgA, P2pConfig cfgB) {
        start(cfgA, cfgB, null);
    }

    /** @param bSeesA when non-null, B asks it whether A is (still) a member; A always sees B as one */
    void start(P2pConfig cfgA, P2pConfig cfgB, java.util.function.BooleanSupplier bSeesA) {
        Identity x = Identity.generate();
        Identity y = Identity.generate();
        boolean xFirst = x.publicKeyHex().compareTo(y.publicKeyHex()) < 0;
        a = xFirst ? x : y;
        b = xFirst ? y : x;
        hub = new InMemorySignaling();
        ra = new Recorder();
        rb = new Recorder();
        Set<String> roster = Set.of(a.publicKeyHex(), b.publicKeyHex());
        ea = new P2pEngine(NativeWebRtc.get(), a, MESH, roster::contains, hub.endpoint(a.publicKeyHex()), cfgA, ra);
        java.util.function.Predicate<String> bRoster = bSeesA == null ? roster::contains
                : k -> k.equals(b.publicKeyHex()) || (k.equals(a.publicKeyHex()) && bSeesA.getAsBoolean());
        eb = new P2pEngine(NativeWebRtc.get(), b, MESH, bRoster, hub.endpoint(b.publicKeyHex()), cfgB, rb);
    }

    /**
     * Enforcement is per frame, not only at channel setup: when B's membership predicate turns false for
     * A (a revocation B has applied) while the channel stays open — A runs a modified client that keeps
     * its channel and keeps sending — every later frame from A is acked and dropped, counted, and never
     * reaches B's listener. Nobody tears the channel down here, on purpose.
     */
    @Test
    void framesFromASenderThatStoppedBeingAMemberAreRefusedOneByOneOnAnOpenChannel() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean aIsMember = new java.util.concurrent.atomic.AtomicBoolean(true);
        start(fast(), fast(), aIsMember::get);
        openAtoB();
        for (int i = 0; i < 20; i++) ea.send(pb(), ("before-" + i).getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
        await("20 accepted", Duration.ofSeconds(10), () -> rb.received.get() == 20);

        aIsMember.set(false); // B applied the revocation; A's channel is still up and A ignores it
        for (int i = 0; i < 50; i++) {
            Ack ack = ea.send(pb(), ("after-" + i).getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
            assertEquals(pb(), ack.peer(), "a refused frame is acked (so the sender does not resend it) and dropped");
        }
        assertEquals(20, rb.received.get(), "nothing A sent after the revocation reached B");
        assertTrue(rb.messages.stream().allMatch(m -> new String(m.bytes(), StandardCharsets.UTF_8).startsWith("before-")));
        assertEquals(50, eb.refusedFrames());
        assertEquals(50, rb.framesRefused.size());
        assertEquals(P2pEngine.NOT_A_MEMBER, rb.framesRefused.get(0).reason());
        assertEquals(SessionState.OPEN, eb.state(pa()), "the channel was not torn down: the refusal was per frame");
        assertEquals(SessionState.OPEN, ea.state(pb()));

        // B's own frames still go out (the check is on what B accepts), and a reinstated key is accepted again.
        eb.send(pa(), "still talking".getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
        aIsMember.set(true);
        ea.send(pb(), "reinstated".getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
        await("accepted again", Duration.ofSeconds(10), () -> rb.received.get() == 21);
    }

    static P2pConfig fast() {
        return P2pConfig.defaults().withTimers(Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofHours(1), Duration.ofMillis(200));
    }

    String pa() {
        return a.publicKeyHex();
    }

    String pb() {
        return b.publicKeyHex();
    }

    void openAtoB() {
        assertEquals(ConnectOutcome.STARTED, ea.connect(pb()));
        await("A and B open", OPEN_WAIT, () -> ea.state(pb()) == SessionState.OPEN && eb.state(pa()) == SessionState.OPEN);
    }

    @AfterEach
    void stop() {
        if (ea != null) ea.close();
        if (eb != null) eb.close();
        if (hub != null) hub.close();
    }

    @Test
    void connectsAndExchangesMessagesBothWaysWithAcks() throws Exception {
        start(fast(), fast());
        long t0 = System.nanoTime();
        openAtoB();
        System.out.printf("open after %.1f ms%n", (System.nanoTime() - t0) / 1e6);

        Ack ack = ea.send(pb(), "hello from a".getBytes(StandardCharsets.UTF_8)).get(5, TimeUnit.SECONDS);
        assertEquals(pb(), ack.peer());
        assertEquals(12, ack.bytes());
        Ack back = eb.send(pa(), "hello from b".getBytes(StandardCharsets.UTF_8)).get(5, TimeUnit.SECONDS);
        assertEquals(pa(), back.peer());
        await("both messages delivered", Duration.ofSeconds(5), () -> !ra.messages.isEmpty() && !rb.messages.isEmpty());
        assertEquals("hello from a", new String(rb.messages.get(0).bytes(), StandardCharsets.UTF_8));
        assertEquals(pa(), rb.messages.get(0).peer());
        assertEquals("hello from b", new String(ra.messages.get(0).bytes(), StandardCharsets.UTF_8));

        // 200 small messages each way, concurrently; every one acked, order kept.
        List<CompletableFuture<Ack>> acks = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            acks.add(ea.send(pb(), ("a" + i).getBytes(StandardCharsets.UTF_8)));
            acks.add(eb.send(pa(), ("b" + i).getBytes(StandardCharsets.UTF_8)));
        }
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        await("all delivered", Duration.ofSeconds(5), () -> rb.messages.size() == 201 && ra.messages.size() == 201);
        for (int i = 0; i < 200; i++) {
            assertEquals("a" + i, new String(rb.messages.get(i + 1).bytes(), StandardCharsets.UTF_8));
            assertEquals("b" + i, new String(ra.messages.get(i + 1).bytes(), StandardCharsets.UTF_8));
        }
        // The path is informational; on this host it is a host pair over UDP.
        await("path known", Duration.ofSeconds(5), () -> ea.path(pb()) != null);
        System.out.println("path A->B: " + ea.path(pb()) + " (" + ea.path(pb()).pathName() + ")");
        assertEquals(1, ra.count(SessionState.OPEN));
        assertEquals(1, rb.count(SessionState.OPEN));
    }

    @Test
    void fiveMiBMessageCrossesChunkedAndIntact() throws Exception {
        start(fast(), fast());
        openAtoB();
        byte[] big = new byte[5 << 20];
        new Random(42).nextBytes(big);
        Ack ack = ea.send(pb(), big).get(20, TimeUnit.SECONDS);
        assertEquals(big.length, ack.bytes());
        await("big message delivered", Duration.ofSeconds(5), () -> rb.messages.size() == 1);
        assertArrayEquals(sha256(big), sha256(rb.messages.get(0).bytes()));
        // and the other way, while the channel keeps working for small ones
        Ack small = eb.send(pa(), new byte[] {1}).get(5, TimeUnit.SECONDS);
        assertEquals(1, small.bytes());
    }

    @Test
    void offerSignedByAnotherKeyIsRefusedAndNoConnectionIsMade() throws Exception {
        start(fast().withTimers(Duration.ofSeconds(3), Duration.ofMinutes(5), Duration.ofHours(1), Duration.ofMillis(200)), fast());
        Identity mallory = Identity.generate();
        // The "coordinator" re-signs A's offer with its own key but keeps from=A.
        hub.tamper = m -> m instanceof P2pSignal.Sdp s && s.type().equals("offer")
                ? new P2pSignal.Sdp(s.meshId(), s.from(), s.to(), s.sessionId(), s.type(), s.sdp(),
                        SdpSignature.sign(mallory, s.meshId(), s.to(), s.sessionId(), s.type(), s.sdp()).signature())
                : m;
        assertEquals(ConnectOutcome.STARTED, ea.connect(pb()));
        await("B refuses the offer", Duration.ofSeconds(5), () -> !rb.refused.isEmpty());
        assertEquals("bad signature", rb.refused.get(0).reason());
        assertEquals("p2p_offer", rb.refused.get(0).frameType());
        await("A gives up", Duration.ofSeconds(6), () -> ra.count(SessionState.FAILED) == 1);
        assertTrue(rb.states.isEmpty(), "B never started a session: " + rb.states);
        assertNull(eb.state(pa()));
    }

    @Test
    void offerWithRewrittenSdpIsRefused() throws Exception {
        start(fast().withTimers(Duration.ofSeconds(3), Duration.ofMinutes(5), Duration.ofHours(1), Duration.ofMillis(200)), fast());
        // A MITM swaps the DTLS fingerprint but cannot re-sign as A.
        hub.tamper = m -> m instanceof P2pSignal.Sdp s && s.type().equals("offer")
                ? new P2pSignal.Sdp(s.meshId(), s.from(), s.to(), s.sessionId(), s.type(),
                        s.sdp().replaceAll("a=fingerprint:sha-256 [0-9A-F:]+", "a=fingerprint:sha-256 00:11"), s.signature())
                : m;
        ea.connect(pb());
        await("B refuses the offer", Duration.ofSeconds(5), () -> !rb.refused.isEmpty());
        assertEquals("bad signature", rb.refused.get(0).reason());
        await("A gives up", Duration.ofSeconds(6), () -> ra.count(SessionState.FAILED) == 1);
        assertTrue(rb.states.isEmpty());
    }

    @Test
    void offerFromNonMemberIsRefused() throws Exception {
        start(fast(), fast());
        Identity mallory = Identity.generate();
        // A correctly signed offer, but from a key that is not in the roster.
        P2pSignal.Sdp forged = SdpSignature.sign(mallory, MESH, pb(), "00112233445566778899aabbccddeeff", "offer", "v=0\r\n");
        hub.endpoint(mallory.publicKeyHex()).send(forged);
        await("B refuses", Duration.ofSeconds(5), () -> !rb.refused.isEmpty());
        assertEquals(P2pEngine.NOT_A_MEMBER, rb.refused.get(0).reason());
        assertTrue(rb.states.isEmpty());
    }

    @Test
    void glareEndsWithExactlyOneOpenConnection() throws Exception {
        start(fast(), fast());
        hub.hold(); // both offers are in flight before either side sees the other's
        assertEquals(ConnectOutcome.STARTED, ea.connect(pb()));
        assertEquals(ConnectOutcome.STARTED, eb.connect(pa()));
        await("both offers sent", Duration.ofSeconds(5),
                () -> hub.sent.stream().filter(m -> m instanceof P2pSignal.Sdp).count() == 2);
        hub.release();
        await("open on both sides", OPEN_WAIT, () -> ea.state(pb()) == SessionState.OPEN && eb.state(pa()) == SessionState.OPEN);
        String winner = hub.sent.stream().filter(m -> m instanceof P2pSignal.Sdp s && s.from().equals(pa()) && s.type().equals("offer"))
                .findFirst().orElseThrow().sessionId();
        assertEquals(winner, ra.last(SessionState.OPEN).sessionId(), "the smaller key's offer wins");
        assertEquals(winner, rb.last(SessionState.OPEN).sessionId());
        assertEquals(1, ra.count(SessionState.OPEN));
        assertEquals(1, rb.count(SessionState.OPEN));
        assertTrue(ra.refused.stream().anyMatch(r -> r.reason().startsWith("glare")), "A ignored B's offer");
        // the abandoned offer was closed quietly on B, not counted as a failure
        assertEquals(0, rb.count(SessionState.FAILED));
        assertEquals(1, rb.count(SessionState.CLOSED));
        ea.send(pb(), new byte[] {7}).get(5, TimeUnit.SECONDS);
        eb.send(pa(), new byte[] {8}).get(5, TimeUnit.SECONDS);
    }

    @Test
    void channelDeathReportsUnackedMessagesAndClosed() throws Exception {
        start(fast(), fast());
        openAtoB();
        eb.holdAcks = true; // B receives but never acks, so A keeps them as unacked
        List<CompletableFuture<Ack>> pending = new ArrayList<>();
        for (int i = 0; i < 5; i++) pending.add(ea.send(pb(), ("m" + i).getBytes(StandardCharsets.UTF_8)));
        await("B got them", Duration.ofSeconds(5), () -> rb.messages.size() == 5);
        hub.dropAll = true; // no p2p_close reaches A: it must notice the dead channel itself
        eb.close(pa());
        await("A sees the channel closed", Duration.ofSeconds(15), () -> ra.count(SessionState.CLOSED) == 1);
        assertNull(ea.state(pb()));
        await("unacked reported", Duration.ofSeconds(2), () -> ra.unacked.size() == 5);
        for (int i = 0; i < 5; i++) {
            assertEquals("m" + i, new String(ra.unacked.get(i).payload(), StandardCharsets.UTF_8));
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, pending.get(i)::get);
            P2pException p = assertInstanceOf(P2pException.class, e.getCause());
            assertEquals(P2pException.CHANNEL_CLOSED, p.code());
            assertTrue(p.retryable());
        }
        System.out.println("A's close reason: " + ra.last(SessionState.CLOSED).reason());
        // After death, send fails fast again.
        CompletableFuture<Ack> f = ea.send(pb(), new byte[] {1});
        assertTrue(f.isCompletedExceptionally());
    }

    /**
     * Issue #17: a peer that is gone without closing (frozen, partitioned, crashed where nobody tells us)
     * must not keep a channel marked OPEN until ICE notices (~17 s). B keeps its channel open but stops
     * answering and sending heartbeats (and acks nothing): A closes the session once it has heard nothing
     * for 6.5 s and hands back its unacked messages for the relay.
     */
    @Test
    void aPeerThatStopsAnsweringHeartbeatsIsUntrustedAfter6500msAndItsUnackedGoToTheRelay() throws Exception {
        start(fast(), fast());
        openAtoB();
        eb.holdAcks = true;
        eb.muteHeartbeats = true;
        long t0 = System.nanoTime();
        List<CompletableFuture<Ack>> pending = new ArrayList<>();
        for (int i = 0; i < 5; i++) pending.add(ea.send(pb(), ("hb" + i).getBytes(StandardCharsets.UTF_8)));
        await("B got them", Duration.ofSeconds(10), () -> rb.messages.size() == 5);
        assertEquals(SessionState.OPEN, eb.state(pa()), "B keeps its channel open: it is only silent");
        // Slack for a loaded 2-core machine; the rule itself is 6.5 s after the last frame heard from B,
        // which was at most one heartbeat interval (3 s) before t0.
        await("A reports the 5 unacked messages", Duration.ofSeconds(20), () -> ra.unacked.size() == 5);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("heartbeat: path untrusted and unacked handed back " + ms + " ms after B went silent (rule: 6500 ms after the last frame heard)");
        assertTrue(ms >= P2pSession.TRUST_MS - P2pSession.HEARTBEAT_INTERVAL_MS - 500, "not before the trust window: " + ms + " ms");
        assertTrue(ms <= P2pSession.TRUST_MS + 6_000, "within 6.5 s + slack: " + ms + " ms");
        assertNull(ea.state(pb()), "A closed the session");
        assertTrue(ra.last(SessionState.CLOSED).reason().startsWith("no heartbeat reply for "), ra.last(SessionState.CLOSED).reason());
        for (int i = 0; i < 5; i++) {
            assertEquals("hb" + i, new String(ra.unacked.get(i).payload(), StandardCharsets.UTF_8));
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, pending.get(i)::get);
            assertEquals(P2pException.CHANNEL_CLOSED, assertInstanceOf(P2pException.class, e.getCause()).code());
        }
        assertTrue(ea.send(pb(), new byte[] {1}).isCompletedExceptionally(), "new sends fail fast: the caller uses the relay");
        await("B learns of the close (p2p_close)", Duration.ofSeconds(10), () -> eb.state(pa()) == null);
    }

    /**
     * Issue #16: a peer that keeps its channel open and answers heartbeats but never acks a message (a modified
     * client, or one whose inbox is wedged) must not make the sender hold messages without limit. A's backlog is
     * capped at 16 messages / 64 KiB: the 17th send is refused at once with {@code p2p_backlog_full} (the caller
     * relays it), nothing beyond the cap is ever held, and once messages waited 2 s without an ack the session is
     * closed as stalled and the 16 it held go back for the relay. A message larger than the byte cap still goes
     * direct when the backlog is empty.
     */
    @Test
    void aPeerThatNeverAcksFillsABoundedBacklogThenTheSessionIsClosedAsStalled() throws Exception {
        BacklogLimits limits = new BacklogLimits(16, 64 * 1024, Duration.ofSeconds(2));
        start(fast().withBacklog(limits), fast());
        openAtoB();
        ea.send(pb(), new byte[200_000]).get(20, TimeUnit.SECONDS); // larger than the byte cap, alone: taken
        await("the big one's ack emptied the backlog", Duration.ofSeconds(5), () -> ea.backlog(pb()).messages() == 0);
        eb.holdAcks = true; // B stores nothing, acks nothing, but answers heartbeats: the trust rule keeps it
        List<CompletableFuture<Ack>> taken = new ArrayList<>();
        int refused = 0;
        for (int i = 0; i < 2_000; i++) {
            byte[] m = new byte[4096];
            m[0] = (byte) i;
            CompletableFuture<Ack> f = ea.send(pb(), m);
            if (f.isCompletedExceptionally()) {
                ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, f::get);
                P2pException p = assertInstanceOf(P2pException.class, e.getCause());
                assertEquals(P2pException.BACKLOG_FULL, p.code(), p.getMessage());
                assertTrue(p.retryable(), "the caller relays it");
                refused++;
            } else {
                taken.add(f);
            }
            BacklogSize held = ea.backlog(pb());
            assertTrue(held.messages() <= limits.maxMessages() && held.bytes() <= limits.maxBytes(), "bounded: " + held);
        }
        assertEquals(16, taken.size(), "exactly the cap was taken");
        assertEquals(2_000 - 16, refused);
        assertEquals(refused, ea.backlogRefusals());
        assertEquals(new BacklogSize(16, 16 * 4096), ea.backlog(pb()));
        assertTrue(ea.peakBacklogBytes() <= 200_000, "peak " + ea.peakBacklogBytes());
        assertTrue(ea.trusted(pb()), "B answers heartbeats: only the stall rule can see the problem");
        long t0 = System.nanoTime();
        await("A closes the stalled session", Duration.ofSeconds(20), () -> ra.count(SessionState.CLOSED) == 1);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        String reason = ra.last(SessionState.CLOSED).reason();
        System.out.println("stalled peer: session closed " + ms + " ms after the backlog filled (stall timeout 2000 ms): " + reason);
        assertTrue(reason.startsWith(P2pEngine.STALLED), reason);
        assertEquals(1, ea.stalledSessions());
        await("the 16 held messages are handed back", Duration.ofSeconds(5), () -> ra.unacked.size() == 16);
        for (CompletableFuture<Ack> f : taken) {
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
            assertEquals(P2pException.CHANNEL_CLOSED, assertInstanceOf(P2pException.class, e.getCause()).code());
        }
        assertEquals(BacklogSize.EMPTY, ea.backlog(pb()));
        await("B learns of the close", Duration.ofSeconds(10), () -> eb.state(pa()) == null);
    }

    /**
     * Heartbeats keep a quiet channel trusted although no message is acked (they are answered by the
     * engine, not the listener, and never delivered), and they are not activity: the idle timeout still
     * closes a channel that carries nothing but heartbeats.
     */
    @Test
    void heartbeatsKeepAQuietChannelTrustedButDoNotCountAsActivity() throws Exception {
        P2pConfig idle20 = P2pConfig.defaults().withTimers(Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofHours(1), Duration.ofMillis(200));
        start(idle20, P2pConfig.defaults());
        openAtoB();
        eb.holdAcks = true; // listener acks are withheld; heartbeat pongs are not
        long t0 = System.nanoTime();
        Recorder.await("two trust windows pass", Duration.ofSeconds(30), () -> System.nanoTime() - t0 > 2 * P2pSession.TRUST_MS * 1_000_000L
                || ea.state(pb()) != SessionState.OPEN);
        assertEquals(SessionState.OPEN, ea.state(pb()), "still open after " + 2 * P2pSession.TRUST_MS + " ms of heartbeats only");
        assertTrue(ea.trusted(pb()));
        assertTrue(rb.messages.isEmpty() && ra.messages.isEmpty(), "heartbeats never reach a listener");
        assertTrue(ra.unacked.isEmpty());
        await("idle timeout closes A's session", Duration.ofSeconds(30), () -> ra.count(SessionState.CLOSED) == 1);
        assertEquals("idle timeout", ra.last(SessionState.CLOSED).reason());
    }

    @Test
    void hostileFramesCloseTheSessionWithAClearReasonAndNothingElse() throws Exception {
        start(fast(), fast());
        openAtoB();
        // A claims a 2 GB message: B refuses before allocating and closes the session.
        ea.sendRawForTest(pb(), ChannelFramingTest.header(1, 1, 1, 0, 1, Integer.MAX_VALUE, 8));
        await("B closes", Duration.ofSeconds(5), () -> rb.count(SessionState.CLOSED) == 1);
        String reason = rb.last(SessionState.CLOSED).reason();
        assertTrue(reason.startsWith("framing error: message 1 of 2147483647 bytes exceeds the limit"), reason);
        await("A closed too", Duration.ofSeconds(10), () -> ra.count(SessionState.CLOSED) == 1);
        assertTrue(rb.messages.isEmpty());
        // Both engines work on: a fresh session opens and carries messages.
        await("reconnect", OPEN_WAIT, () -> ea.connect(pb()) == ConnectOutcome.ALREADY_OPEN && eb.state(pa()) == SessionState.OPEN);
        ea.send(pb(), new byte[] {1}).get(5, TimeUnit.SECONDS);
        // garbage (unknown version) is refused the same way
        ea.sendRawForTest(pb(), new byte[] {9, 9, 9});
        await("B closes again", Duration.ofSeconds(5), () -> rb.count(SessionState.CLOSED) == 2);
        assertTrue(rb.last(SessionState.CLOSED).reason().contains("unknown framing version 9"));
    }

    @Test
    void iceThatCannotSucceedFailsWithinTimeoutWhileSendFailsFast() throws Exception {
        P2pConfig noCandidates = fast()
                .withCandidateFilter(c -> false)
                .withTimers(Duration.ofSeconds(3), Duration.ofMinutes(5), Duration.ofHours(1), Duration.ofMillis(200))
                .withRetry(Duration.ofSeconds(30), Duration.ofMinutes(5));
        start(noCandidates, noCandidates);
        long t0 = System.nanoTime();
        assertEquals(ConnectOutcome.STARTED, ea.connect(pb()));
        CompletableFuture<Ack> f = ea.send(pb(), new byte[] {1, 2, 3});
        long sendNanos = System.nanoTime() - t0;
        assertTrue(f.isCompletedExceptionally(), "send must not wait for ICE");
        P2pException e = assertInstanceOf(P2pException.class, f.handle((v, x) -> x).get());
        assertEquals(P2pException.NO_CHANNEL, e.code());
        assertTrue(sendNanos < 50_000_000L, "connect+send took " + sendNanos / 1e6 + " ms");
        await("A fails", Duration.ofSeconds(6), () -> ra.count(SessionState.FAILED) == 1);
        long failedAfter = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(failedAfter < 5000, "failed after " + failedAfter + " ms");
        System.out.println("ICE-less session failed after " + failedAfter + " ms: " + ra.last(SessionState.FAILED).reason());
        await("B's side ends too", Duration.ofSeconds(6), () -> eb.state(pa()) == null);
        assertEquals(ConnectOutcome.BACKING_OFF, ea.connect(pb()));
    }

    @Test
    void idleSessionIsClosed() throws Exception {
        P2pConfig idle = fast().withTimers(Duration.ofSeconds(10), Duration.ofMillis(800), Duration.ofHours(1), Duration.ofMillis(100));
        start(idle, idle);
        openAtoB();
        await("idle close", Duration.ofSeconds(5), () -> ra.count(SessionState.CLOSED) == 1 && rb.count(SessionState.CLOSED) == 1);
        assertTrue(ra.last(SessionState.CLOSED).reason().contains("idle") || rb.last(SessionState.CLOSED).reason().contains("idle"));
    }

    @Test
    void lifetimeEndsSessionAndAFreshHandshakeFollows() throws Exception {
        P2pConfig life = fast().withTimers(Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofMillis(1500), Duration.ofMillis(100));
        start(life, life);
        openAtoB();
        String first = ra.last(SessionState.OPEN).sessionId();
        await("a second session opens", OPEN_WAIT, () -> ra.count(SessionState.OPEN) >= 2 && ea.state(pb()) == SessionState.OPEN
                && eb.state(pa()) == SessionState.OPEN);
        assertNotEquals(first, ra.last(SessionState.OPEN).sessionId());
        eb.send(pa(), new byte[] {9}).get(5, TimeUnit.SECONDS);
    }

    @Test
    void manyConnectCloseCyclesKeepThreadsBounded() throws Exception {
        start(fast(), fast());
        openAtoB(); // warm up
        ea.close(pb());
        await("closed", Duration.ofSeconds(5), () -> ea.state(pb()) == null && eb.state(pa()) == null);
        int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
        long osThreadsBefore = osThreads();
        long rssBefore = rssKb();
        int cycles = 40;
        for (int i = 0; i < cycles; i++) {
            Recorder.await("connect " + i, OPEN_WAIT, () -> {
                ConnectOutcome o = ea.connect(pb());
                return o == ConnectOutcome.STARTED || o == ConnectOutcome.ALREADY_CONNECTING || o == ConnectOutcome.ALREADY_OPEN;
            });
            await("open " + i, OPEN_WAIT, () -> ea.state(pb()) == SessionState.OPEN && eb.state(pa()) == SessionState.OPEN);
            ea.send(pb(), new byte[] {(byte) i}).get(5, TimeUnit.SECONDS);
            if (i % 2 == 0) ea.close(pb()); else eb.close(pa());
            await("closed " + i, Duration.ofSeconds(5), () -> ea.state(pb()) == null && eb.state(pa()) == null);
        }
        int threadsAfter = ManagementFactory.getThreadMXBean().getThreadCount();
        long osThreadsAfter = osThreads();
        long rssAfter = rssKb();
        System.out.printf("cycles=%d java threads %d -> %d, OS threads (incl. native) %d -> %d, RSS %d -> %d KiB (%.0f KiB per cycle = one connection pair)%n",
                cycles, threadsBefore, threadsAfter, osThreadsBefore, osThreadsAfter, rssBefore, rssAfter, (rssAfter - rssBefore) / (double) cycles);
        assertTrue(threadsAfter <= threadsBefore + 4, "Java threads grew from " + threadsBefore + " to " + threadsAfter);
        // Native threads are what leaked with one factory per connection (2 per factory); one shared factory must not grow.
        assertTrue(osThreadsAfter <= osThreadsBefore + 4, "OS threads grew from " + osThreadsBefore + " to " + osThreadsAfter);
        assertEquals(cycles, rb.messages.size());
    }

    static long osThreads() throws Exception {
        try (var s = Files.list(Path.of("/proc/self/task"))) {
            return s.count();
        }
    }

    static long rssKb() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", ""));
        }
        return -1;
    }

    static byte[] sha256(byte[] b) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(b);
    }
}
