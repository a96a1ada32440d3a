package dev.meshwire.coordinator;

import static org.junit.jupiter.api.Assertions.*;

import dev.meshwire.signaling.crypto.BoxCipher;
import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.envelope.Body;
import dev.meshwire.signaling.envelope.Channel;
import dev.meshwire.signaling.envelope.Envelope;
import dev.meshwire.signaling.envelope.EnvelopeSignature;
import dev.meshwire.signaling.envelope.Meta;
import dev.meshwire.signaling.envelope.Priority;
import dev.meshwire.signaling.frame.Frames;
import dev.meshwire.signaling.meshstate.EventKind;
import dev.meshwire.signaling.meshstate.MeshState;
import dev.meshwire.signaling.meshstate.TopicEntry;
import dev.meshwire.signaling.topic.TopicKeys;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Topics over real WebSockets, against a coordinator on SQLite and on PostgreSQL (subclasses; docs/protocol.md §12.2):
 * the topic acts become mesh events; a post ({@code send} to {@code #name}) is stored once in the history and queued
 * once per other member; {@code topic_history} pages it for members only; posts with a stale epoch, from non-members
 * or while a re-key is pending are refused by code; of two rotations to the same epoch the first wins.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TopicWebSocketTest {
    final StoreKind kind;
    CoordinatorFixture fx;

    TopicWebSocketTest(StoreKind kind) {
        this.kind = kind;
    }

    @BeforeAll
    void start() throws Exception {
        String pg = kind == StoreKind.POSTGRES ? PgCluster.freshDatabase("wstopics") : null;
        fx = new CoordinatorFixture(c -> c.withDbUrl(pg));
    }

    @AfterAll
    void stop() throws Exception {
        fx.close();
    }

    static Frames.Ok ok(TestPeer p, String id) throws InterruptedException {
        p.awaitAny(f -> (f instanceof Frames.Ok o && id.equals(o.id())) || (f instanceof Frames.Error e && id.equals(e.id())));
        for (var f : p.seen()) {
            if (f instanceof Frames.Error e && id.equals(e.id())) fail("refused: " + e.code() + ": " + e.message());
        }
        return p.await(Frames.Ok.class, o -> id.equals(o.id()));
    }

    static Frames.Error refused(TestPeer p, String id) throws InterruptedException {
        return p.await(Frames.Error.class, e -> id.equals(e.id()));
    }

    static Envelope post(Identity from, String topic, long epoch, byte[] key, String text, String cmid) {
        TopicKeys.Sealed s = TopicKeys.encrypt(epoch, key, text.getBytes(StandardCharsets.UTF_8));
        Base64.Encoder b64 = Base64.getEncoder();
        return EnvelopeSignature.sign(new Envelope(Envelope.VERSION, Channel.TOPIC, "#" + topic, from.publicKeyHex(),
                new Body(b64.encodeToString(s.nonce()), b64.encodeToString(s.ciphertext()), Body.TOPIC_KEY_V4),
                Meta.of(cmid, Priority.NEXT, System.currentTimeMillis()), null), from);
    }

    long depth(Meshes.Mesh m, Identity recipient) {
        try {
            return GrantsWebSocketTest.await(fx.coordinator.store().queueDepth(m.id(), recipient.publicKeyHex()));
        } catch (Exception e) {
            throw new AssertionError("queue depth unavailable", e);
        }
    }

    /** The mesh state as any replica computes it: the stored history folded from genesis. */
    MeshState state(Meshes.Mesh m) throws Exception {
        MeshState s = MeshState.empty(m.id(), m.authority());
        for (var e : GrantsWebSocketTest.await(fx.coordinator.store().events(m.id(), 0, 100_000))) s = s.apply(e);
        return s;
    }

    @Test
    void createJoinSealPostAndHistory() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "tp-flow");
        Identity aliceId = Identity.generate(), bobId = Identity.generate(), carolId = Identity.generate();
        byte[] key = TopicKeys.generate();
        try (TestPeer alice = Meshes.joined(fx, m, aliceId, "alice"); TestPeer bob = Meshes.joined(fx, m, bobId, "bob");
             TestPeer carol = Meshes.joined(fx, m, carolId, "carol")) {
            String check = TopicKeys.keyCheck(m.id(), "general", 1, key);
            alice.send(new Frames.TopicCreate("c1", "general", check, TopicKeys.seal(new BoxCipher(aliceId), aliceId.publicKeyHex(), aliceId.publicKeyHex(), key)));
            assertEquals("topic_create", ok(alice, "c1").op());
            bob.await(Frames.SystemEvent.class, s -> EventKind.TOPIC_CREATED.equals(s.event().kind()));

            // a post before bob joins: stored in the history, no copy for bob
            alice.send(new Frames.Send("p1", "#general", post(aliceId, "general", 1, key, "before bob", "cm-1")));
            Frames.Ack first = alice.await(Frames.Ack.class, a -> "p1".equals(a.id()));
            assertEquals("accepted", first.status());

            bob.send(new Frames.TopicJoin("j1", "general"));
            ok(bob, "j1");
            // bob may not read the history before... he is a member now (without a key): he may fetch ciphertext
            alice.send(new Frames.TopicSealKey("s1", "general", 1, bobId.publicKeyHex(),
                    TopicKeys.seal(new BoxCipher(aliceId), aliceId.publicKeyHex(), bobId.publicKeyHex(), key)));
            ok(alice, "s1");
            TopicEntry t = state(m).channels().topic("general").orElseThrow();
            assertTrue(t.pending().isEmpty(), "bob is sealed");
            assertArrayEquals(key, TopicKeys.open(new BoxCipher(bobId), t.member(bobId.publicKeyHex()).orElseThrow().seal(), m.id(), "general", 1, check));

            // a live post reaches bob once (queued per member), the sender gets the ack after both stores
            Envelope hello = post(aliceId, "general", 1, key, "hello bob", "cm-2");
            alice.send(new Frames.Send("p2", "#general", hello));
            Frames.Ack live = alice.await(Frames.Ack.class, a -> "p2".equals(a.id()));
            Frames.Deliver d = bob.await(Frames.Deliver.class, x -> "cm-2".equals(x.envelope().meta().clientMessageId()));
            assertEquals("#general", d.envelope().target());
            assertEquals("hello bob", new String(TopicKeys.decrypt(key, Base64.getDecoder().decode(d.envelope().body().nonce()),
                    Base64.getDecoder().decode(d.envelope().body().ciphertext())), StandardCharsets.UTF_8));
            bob.send(new Frames.ClientAck(d.messageId(), "cm-2", aliceId.publicKeyHex()));
            // a retry of the same post (a lost ack) is a duplicate with the original id, and queues no second copy
            alice.send(new Frames.Send("p2b", "#general", hello));
            Frames.Ack dup = alice.await(Frames.Ack.class, a -> "p2b".equals(a.id()));
            assertEquals("duplicate", dup.status());
            assertEquals(live.messageId(), dup.messageId());
            Conditions.await("bob's copy was acked and none is queued again",
                    () -> depth(m, bobId) == 0L);

            // history: two posts, oldest first, paged
            bob.send(new Frames.TopicHistory("h1", "general", null, 1));
            Frames.TopicHistoryPage page1 = bob.await(Frames.TopicHistoryPage.class, p -> "h1".equals(p.id()));
            assertEquals(1, page1.messages().size());
            assertTrue(page1.more());
            assertEquals(first.messageId(), page1.messages().get(0).messageId());
            bob.send(new Frames.TopicHistory("h2", "general", page1.messages().get(0).seq(), 10));
            Frames.TopicHistoryPage page2 = bob.await(Frames.TopicHistoryPage.class, p -> "h2".equals(p.id()));
            assertEquals(List.of(live.messageId()), page2.messages().stream().map(Frames.TopicMessage::messageId).toList());
            assertFalse(page2.more());
            assertEquals(2L, GrantsWebSocketTest.await(fx.coordinator.store().topicHistory().count(m.id(), "general")));

            // carol is no member: no history, no post
            carol.send(new Frames.TopicHistory("h3", "general", null, null));
            assertEquals("not_topic_member", refused(carol, "h3").code());
            carol.send(new Frames.Send("p3", "#general", post(carolId, "general", 1, key, "intruder", "cm-3")));
            assertEquals("not_topic_member", refused(carol, "p3").code());
            carol.send(new Frames.Send("p4", "#nosuch", post(carolId, "nosuch", 1, key, "x", "cm-4")));
            assertEquals("unknown_topic", refused(carol, "p4").code());
            // a topic envelope to a member key is refused: topics are posted once to #name
            alice.send(new Frames.Send("p5", bobId.publicKeyHex(), post(aliceId, "general", 1, key, "x", "cm-5")));
            assertEquals("invalid_frame", refused(alice, "p5").code());
        }
    }

    @Test
    void leavingNeedsARekeyAndTheFirstRotationWins() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "tp-rekey");
        Identity aliceId = Identity.generate(), bobId = Identity.generate(), carolId = Identity.generate();
        byte[] key = TopicKeys.generate();
        try (TestPeer alice = Meshes.joined(fx, m, aliceId, "alice"); TestPeer bob = Meshes.joined(fx, m, bobId, "bob");
             TestPeer carol = Meshes.joined(fx, m, carolId, "carol")) {
            alice.send(new Frames.TopicCreate("c1", "ops", TopicKeys.keyCheck(m.id(), "ops", 1, key),
                    TopicKeys.seal(new BoxCipher(aliceId), aliceId.publicKeyHex(), aliceId.publicKeyHex(), key)));
            ok(alice, "c1");
            bob.send(new Frames.TopicJoin("j1", "ops"));
            ok(bob, "j1");
            carol.send(new Frames.TopicJoin("j2", "ops"));
            ok(carol, "j2");
            carol.send(new Frames.TopicLeave("l1", "ops", null));
            ok(carol, "l1");
            assertTrue(state(m).channels().topic("ops").orElseThrow().rekeyNeeded());
            alice.send(new Frames.Send("p1", "#ops", post(aliceId, "ops", 1, key, "with the old key", "cm-1")));
            assertEquals("topic_rekey_needed", refused(alice, "p1").code());

            byte[] k2 = TopicKeys.generate();
            byte[] k2b = TopicKeys.generate();
            BoxCipher a = new BoxCipher(aliceId), b = new BoxCipher(bobId);
            bob.send(new Frames.TopicRotate("r1", "ops", 2, TopicKeys.keyCheck(m.id(), "ops", 2, k2), List.of(
                    new TopicEntry.Member(aliceId.publicKeyHex(), 0, TopicKeys.seal(b, bobId.publicKeyHex(), aliceId.publicKeyHex(), k2)),
                    new TopicEntry.Member(bobId.publicKeyHex(), 0, TopicKeys.seal(b, bobId.publicKeyHex(), bobId.publicKeyHex(), k2)))));
            ok(bob, "r1");
            alice.send(new Frames.TopicRotate("r2", "ops", 2, TopicKeys.keyCheck(m.id(), "ops", 2, k2b), List.of(
                    new TopicEntry.Member(aliceId.publicKeyHex(), 0, TopicKeys.seal(a, aliceId.publicKeyHex(), aliceId.publicKeyHex(), k2b)))));
            assertEquals("topic_conflict", refused(alice, "r2").code(), "the second rotation to epoch 2 loses");
            TopicEntry t = state(m).channels().topic("ops").orElseThrow();
            assertEquals(2, t.epoch());
            assertFalse(t.rekeyNeeded());
            assertFalse(t.isMember(carolId.publicKeyHex()));
            // a post under the old epoch is refused; under the winner's key it is accepted
            alice.send(new Frames.Send("p2", "#ops", post(aliceId, "ops", 1, key, "stale", "cm-2")));
            assertEquals("topic_conflict", refused(alice, "p2").code());
            byte[] opened = TopicKeys.open(a, t.member(aliceId.publicKeyHex()).orElseThrow().seal(), m.id(), "ops", 2, t.keyCheck());
            alice.send(new Frames.Send("p3", "#ops", post(aliceId, "ops", 2, opened, "fresh", "cm-3")));
            assertEquals("accepted", alice.await(Frames.Ack.class, x -> "p3".equals(x.id())).status());
            // carol, who left, is sent nothing: only bob's copy is queued
            assertEquals(0L, depth(m, carolId));
            // a member may not remove another one; the mesh owner may
            bob.send(new Frames.TopicLeave("l2", "ops", aliceId.publicKeyHex()));
            assertEquals("not_owner", refused(bob, "l2").code());
            try (TestPeer owner = Meshes.owner(fx, m)) {
                owner.send(new Frames.TopicJoin("oj", "ops"));
                ok(owner, "oj");
                owner.send(new Frames.TopicLeave("ol", "ops", bobId.publicKeyHex()));
                ok(owner, "ol");
            }
            assertFalse(state(m).channels().topic("ops").orElseThrow().isMember(bobId.publicKeyHex()));
        }
    }

    /** {@code --topic-history}: posts older than the window leave the history (pruned by the coordinator's timer). */
    @Test
    void postsOlderThanTheWindowArePruned() throws Exception {
        String pg = kind == StoreKind.POSTGRES ? PgCluster.freshDatabase("wstopicprune") : null;
        try (CoordinatorFixture short1s = new CoordinatorFixture(c -> c.withDbUrl(pg).withTopicHistory(java.time.Duration.ofSeconds(1)))) {
            Meshes.Mesh m = Meshes.create(short1s, "tp-prune");
            Identity aliceId = Identity.generate();
            byte[] key = TopicKeys.generate();
            try (TestPeer alice = Meshes.joined(short1s, m, aliceId, "alice")) {
                alice.send(new Frames.TopicCreate("c1", "brief", TopicKeys.keyCheck(m.id(), "brief", 1, key),
                        TopicKeys.seal(new BoxCipher(aliceId), aliceId.publicKeyHex(), aliceId.publicKeyHex(), key)));
                ok(alice, "c1");
                alice.send(new Frames.Send("p1", "#brief", post(aliceId, "brief", 1, key, "soon gone", "cm-1")));
                alice.await(Frames.Ack.class, a -> "p1".equals(a.id()));
                var history = short1s.coordinator.store().topicHistory();
                Conditions.await("the post is pruned after the 1 s window", () -> {
                    try {
                        return GrantsWebSocketTest.await(history.count(m.id(), "brief")) == 0L;
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                });
                alice.send(new Frames.TopicHistory("h1", "brief", null, null));
                assertTrue(alice.await(Frames.TopicHistoryPage.class, p -> "h1".equals(p.id())).messages().isEmpty());
            }
        }
    }

    /** Dedupe before rate limiting (§6 "Delivery" rule 3) holds for topic posts: a retry is answered even with an empty bucket. */
    @Test
    void aRetriedPostIsADuplicateEvenWhenRateLimited() throws Exception {
        String pg = kind == StoreKind.POSTGRES ? PgCluster.freshDatabase("wstopicrate") : null;
        try (CoordinatorFixture slow = new CoordinatorFixture(c -> c.withDbUrl(pg)
                .withQueue(dev.meshwire.coordinator.queue.QueueSettings.defaults().withRateLimit(0.001, 1)))) {
            Meshes.Mesh m = Meshes.create(slow, "tp-rate");
            Identity aliceId = Identity.generate();
            byte[] key = TopicKeys.generate();
            try (TestPeer alice = Meshes.joined(slow, m, aliceId, "alice")) {
                alice.send(new Frames.TopicCreate("c1", "busy", TopicKeys.keyCheck(m.id(), "busy", 1, key),
                        TopicKeys.seal(new BoxCipher(aliceId), aliceId.publicKeyHex(), aliceId.publicKeyHex(), key)));
                ok(alice, "c1");
                Envelope once = post(aliceId, "busy", 1, key, "the one token", "cm-1");
                alice.send(new Frames.Send("p1", "#busy", once));
                Frames.Ack first = alice.await(Frames.Ack.class, a -> "p1".equals(a.id()));
                alice.send(new Frames.Send("p2", "#busy", once));
                Frames.Ack retry = alice.await(Frames.Ack.class, a -> "p2".equals(a.id()));
                assertEquals("duplicate", retry.status());
                assertEquals(first.messageId(), retry.messageId());
                alice.send(new Frames.Send("p3", "#busy", post(aliceId, "busy", 1, key, "a new one", "cm-2")));
                assertEquals("rate_limited", refused(alice, "p3").code());
            }
        }
    }

    @Test
    void malformedTopicFramesAreRefusedByName() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "tp-bad");
        Identity aliceId = Identity.generate();
        byte[] key = TopicKeys.generate();
        try (TestPeer alice = Meshes.joined(fx, m, aliceId, "alice")) {
            alice.send(new Frames.TopicCreate("c1", "Bad Name", TopicKeys.keyCheck(m.id(), "x", 1, key),
                    TopicKeys.seal(new BoxCipher(aliceId), aliceId.publicKeyHex(), aliceId.publicKeyHex(), key)));
            Frames.Error e = refused(alice, "c1");
            assertEquals("invalid_frame", e.code());
            assertTrue(e.message().contains("topic name"), e.message());
            alice.send(new Frames.TopicCreate("c2", "x", "nothex", TopicKeys.seal(new BoxCipher(aliceId), aliceId.publicKeyHex(), aliceId.publicKeyHex(), key)));
            assertTrue(refused(alice, "c2").message().contains("keyCheck"));
            alice.send(new Frames.TopicJoin("j1", "nosuch"));
            assertEquals("unknown_topic", refused(alice, "j1").code());
            alice.send(new Frames.TopicHistory("h1", "x", -1L, null));
            assertEquals("invalid_frame", refused(alice, "h1").code());
        }
    }
}
