package dev.meshwire.peer.p2p;

import static dev.meshwire.peer.p2p.Recorder.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.peer.TestSupport;
import dev.meshwire.signaling.crypto.Identity;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ACKS frames (docs/p2p.md "Framing on the channel"): a receiver acks every message its owner settled since the last
 * flush in one frame — to a peer that declares {@code ack_groups} — and one ACK frame per message to a peer that does
 * not. Real WebRTC, two engines in one JVM. B's owner holds every message's stage and settles them together, as the
 * daemon's inbox group commit does.
 */
class AckGroupsTest {
    static final Duration WAIT = Duration.ofSeconds(30);

    P2pEngine ea;
    P2pEngine eb;
    InMemorySignaling hub;
    Identity a;
    Identity b;
    /** B's owner: the stage of every message B received, completed by the test. */
    final List<CompletableFuture<Boolean>> held = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void nativeLibrary() {
        TestSupport.requireWebRtc();
    }

    /** B's owner settles every message at once (true, or false for the texts in {@link #refuse}) instead of holding it. */
    volatile boolean settleAtOnce;
    final Set<String> refuse = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** What B's owner got, in order. */
    final List<String> got = new CopyOnWriteArrayList<>();

    void start(boolean bGroupsToA) {
        start(bGroupsToA, false);
    }

    /**
     * @param bGroupsToA whether B sees A declare {@code ack_groups} (B then acks A in ACKS frames)
     * @param aBundlesToB whether A sees B declare {@code data_bundles} (A then sends queued small messages in BUNDLE frames)
     */
    void start(boolean bGroupsToA, boolean aBundlesToB) {
        a = Identity.generate();
        b = Identity.generate();
        hub = new InMemorySignaling();
        Set<String> roster = Set.of(a.publicKeyHex(), b.publicKeyHex());
        P2pConfig cfg = P2pConfig.defaults().withTimers(Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofHours(1), Duration.ofMillis(200))
                .withBacklog(new BacklogLimits(10_000, 64L << 20, Duration.ofSeconds(30))); // room for 3,000 sends at once
        ea = new P2pEngine(NativeWebRtc.get(), a, "mesh-acks", roster::contains,
                (peer, f) -> aBundlesToB && ChannelFraming.FEATURE_BUNDLES.equals(f), hub.endpoint(a.publicKeyHex()), cfg, new Recorder());
        eb = new P2pEngine(NativeWebRtc.get(), b, "mesh-acks", roster::contains,
                (peer, f) -> bGroupsToA && ChannelFraming.FEATURE_ACK_GROUPS.equals(f), hub.endpoint(b.publicKeyHex()), cfg,
                new P2pListener() {
                    @Override
                    public CompletionStage<Boolean> onMessageAcked(String peer, byte[] message) {
                        String text = new String(message, StandardCharsets.UTF_8);
                        got.add(text);
                        if (settleAtOnce) return CompletableFuture.completedFuture(!refuse.contains(text));
                        CompletableFuture<Boolean> f = new CompletableFuture<>();
                        held.add(f);
                        return f;
                    }
                });
        ea.connect(b.publicKeyHex());
        await("A and B open", WAIT, () -> ea.state(b.publicKeyHex()) == SessionState.OPEN && eb.state(a.publicKeyHex()) == SessionState.OPEN);
    }

    @AfterEach
    void stop() {
        if (ea != null) ea.close();
        if (eb != null) eb.close();
        if (hub != null) hub.close();
    }

    List<CompletableFuture<Ack>> sendMany(int n) {
        List<CompletableFuture<Ack>> sent = new ArrayList<>();
        for (int i = 0; i < n; i++) sent.add(ea.send(b.publicKeyHex(), ("m-" + i).getBytes(StandardCharsets.UTF_8)));
        await("B received all " + n, WAIT, () -> held.size() == n);
        return sent;
    }

    @Test
    void messagesSettledTogetherAreAckedInFewAcksFramesAndAFailedOneStaysUnacked() throws Exception {
        start(true);
        List<CompletableFuture<Ack>> sent = sendMany(300);
        long singleBefore = ea.ackFramesReceived();
        assertFalse(sent.get(0).isDone(), "nothing is acked before B's owner settles it");
        // One group commit: every message but #137 stored; #137's store failed (no ack: the sender resends it). Settled
        // in one task on B's engine thread, so that B's flush sees them all at once (as it sees a commit that completed
        // while it was busy; from another thread the flush may run in between and send several smaller groups).
        eb.post(() -> {
            for (int i = 0; i < held.size(); i++) held.get(i).complete(i != 137);
        });
        for (int i = 0; i < sent.size(); i++) {
            if (i == 137) continue;
            Ack ack = sent.get(i).get(30, TimeUnit.SECONDS);
            assertEquals(i + 1, ack.messageId(), "message ids are the sender's per-session counter");
        }
        long groups = ea.ackGroupFramesReceived();
        System.out.printf("299 messages acked with %d ACKS frames (%d single ACKs, heartbeat pongs included)%n",
                groups, ea.ackFramesReceived() - singleBefore);
        assertEquals(1, groups, "the 299 settled together are acked in one ACKS frame");
        assertTrue(ea.ackFramesReceived() - singleBefore < 10, "no single ACKs but heartbeat pongs: " + (ea.ackFramesReceived() - singleBefore));
        assertFalse(sent.get(137).isDone(), "the message B could not store is not acked");
        assertEquals(1, ea.backlog(b.publicKeyHex()).messages(), "only it is still waiting");

        // The channel ends: exactly that one comes back for the relay.
        eb.close(a.publicKeyHex());
        P2pException lost = (P2pException) assertThrowsCause(sent.get(137));
        assertEquals(P2pException.CHANNEL_CLOSED, lost.code());
    }

    @Test
    void aPeerThatDoesNotDeclareAckGroupsGetsOneAckFramePerMessage() throws Exception {
        start(false);
        List<CompletableFuture<Ack>> sent = sendMany(200);
        long singleBefore = ea.ackFramesReceived();
        for (CompletableFuture<Boolean> f : held) f.complete(true);
        for (CompletableFuture<Ack> f : sent) f.get(30, TimeUnit.SECONDS);
        assertEquals(0, ea.ackGroupFramesReceived(), "no ACKS frame toward a peer that did not declare ack_groups");
        assertTrue(ea.ackFramesReceived() - singleBefore >= 200, "one ACK per message: " + (ea.ackFramesReceived() - singleBefore));
    }

    @Test
    void anAcksFrameNamingUnknownOrUnsentIdsIsIgnoredAndAMalformedOneClosesTheSession() throws Exception {
        start(true);
        List<CompletableFuture<Ack>> sent = sendMany(3);
        // B (playing a confused peer) acks ids A never sent, plus message 2 of the three.
        eb.sendRawForTest(a.publicKeyHex(), ChannelFraming.encodeAcks(new long[] {99, 2, 1L << 40}, 0, 3));
        sent.get(1).get(30, TimeUnit.SECONDS);
        assertFalse(sent.get(0).isDone());
        assertFalse(sent.get(2).isDone());
        assertEquals(SessionState.OPEN, ea.state(b.publicKeyHex()), "unknown ids are ignored, the session stays");
        // n says 2 ids, the frame carries one: a framing error ends that session (and only it).
        byte[] bad = ChannelFraming.encodeAcks(new long[] {1}, 0, 1);
        bad[3] = 2;
        eb.sendRawForTest(a.publicKeyHex(), bad);
        await("A closed the session", WAIT, () -> ea.state(b.publicKeyHex()) == null);
        assertTrue(assertThrowsCause(sent.get(0)) instanceof P2pException, "unacked messages are handed back");
    }

    @Test
    void smallMessagesQueuedTogetherTravelInBundlesInOrderAndABundleWithAnUnsettledMessageIsNotAcked() throws Exception {
        settleAtOnce = true;
        String pad = "|" + "x".repeat(1000); // ~1 KiB each: at most ~64 per 64 KiB bundle
        refuse.add("m-1337" + pad);
        start(true, true);
        List<CompletableFuture<Ack>> sent = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            expected.add("m-" + i + pad);
            sent.add(ea.send(b.publicKeyHex(), expected.get(i).getBytes(StandardCharsets.UTF_8)));
        }
        await("B got all 3000", WAIT, () -> got.size() == 3000);
        assertEquals(expected, got, "every message once, in send order");
        long bundles = eb.bundlesReceived();
        System.out.printf("3000 small messages crossed in %d BUNDLE frames (the rest one per frame)%n", bundles);
        assertTrue(bundles >= 1 && bundles < 3000, "queued messages went in bundles: " + bundles);
        // Everything is acked except the bundle (or lone message) holding m-1337, which B could not settle.
        // B settles in order and acks in order: once the last message is acked, every earlier bundle but one is too.
        sent.get(2999).get(30, TimeUnit.SECONDS);
        assertFalse(sent.get(1337).isDone(), "not acked: its bundle has a message B did not settle");
        long unacked = sent.stream().filter(f -> !f.isDone()).count();
        assertTrue(unacked >= 1 && unacked <= 64, "only m-1337's bundle is waiting: " + unacked);
        assertEquals(unacked, ea.backlog(b.publicKeyHex()).messages());
        for (int i = 0; i < sent.size(); i++) {
            if (sent.get(i).isDone()) assertTrue(sent.get(i).get().messageId() >= 1, "acked with the id of its frame");
        }
        eb.close(a.publicKeyHex());
        for (CompletableFuture<Ack> f : sent) {
            if (!f.isDone() || f.isCompletedExceptionally()) {
                assertEquals(P2pException.CHANNEL_CLOSED, ((P2pException) assertThrowsCause(f)).code(), "handed back one by one for the relay");
            }
        }
    }

    static Throwable assertThrowsCause(CompletableFuture<?> f) throws InterruptedException {
        try {
            f.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("the future did not complete", e);
        }
        throw new AssertionError("the future completed normally");
    }
}
