package dev.meshwire.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.meshwire.coordinator.queue.QueueSettings;
import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.envelope.Envelope;
import dev.meshwire.signaling.frame.Frame;
import dev.meshwire.signaling.frame.Frames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The whole durable-delivery path over real WebSockets, against a coordinator on SQLite and on PostgreSQL
 * (subclasses at the bottom). Small lease (1.5 s) and sweep interval (200 ms); every wait is a condition
 * with a deadline. Per session: burst of 20 sends, refilled at 0.01/s; at most 25 undelivered per recipient.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class QueueWebSocketTest {
    static final int BURST = 20;
    static final int CAP = 25;
    final StoreKind kind;
    CoordinatorFixture fx;

    QueueWebSocketTest(StoreKind kind) {
        this.kind = kind;
    }

    @BeforeAll
    void start() throws Exception {
        String pg = kind == StoreKind.POSTGRES ? PgCluster.freshDatabase("wsqueue") : null;
        fx = new CoordinatorFixture(c -> c.withDbUrl(pg).withQueue(QueueSettings.defaults()
                .withLease(Duration.ofMillis(1500), Duration.ofMillis(200))
                .withRateLimit(0.01, BURST)
                .withMaxQueuedPerRecipient(CAP)));
    }

    @AfterAll
    void stop() throws Exception {
        fx.close();
    }

    static Frames.Ack sendOk(TestPeer from, String id, String to, Envelope env) throws InterruptedException {
        from.send(new Frames.Send(id, to, env));
        Frames.Ack ack = from.await(Frames.Ack.class, a -> id.equals(a.id()));
        assertEquals("accepted", ack.status(), ack.toString());
        return ack;
    }

    static Frames.Error sendErr(TestPeer from, String id, String to, Envelope env) throws InterruptedException {
        from.send(new Frames.Send(id, to, env));
        from.awaitAny(f -> (f instanceof Frames.Ack a && id.equals(a.id())) || (f instanceof Frames.Error e && id.equals(e.id())));
        List<Frame> seen = from.seen();
        for (Frame f : seen) {
            if (f instanceof Frames.Ack a && id.equals(a.id())) fail("expected an error for " + id + ", got " + a);
        }
        return from.await(Frames.Error.class, e -> id.equals(e.id()));
    }

    static List<String> deliveredIds(TestPeer p) {
        return p.seen().stream().filter(f -> f instanceof Frames.Deliver).map(f -> ((Frames.Deliver) f).messageId()).toList();
    }

    /** Sends a marker from {@code from} and returns every messageId {@code to} got up to (excluding) the marker. */
    static List<String> deliveredBeforeMarker(TestPeer from, TestPeer to, Identity toId, String tag) throws InterruptedException {
        Frames.Ack m = sendOk(from, "marker-" + tag, toId.publicKeyHex(), from.dm(toId, "marker " + tag));
        to.awaitAny(f -> f instanceof Frames.Deliver d && d.messageId().equals(m.messageId()));
        List<String> ids = new ArrayList<>(deliveredIds(to));
        return ids.subList(0, ids.indexOf(m.messageId()));
    }

    double metric(String name) throws Exception {
        Matcher mt = Pattern.compile("(?m)^" + Pattern.quote(name) + " ([0-9.eE+-]+)$").matcher(fx.get("/metrics").text());
        return mt.find() ? Double.parseDouble(mt.group(1)) : 0;
    }

    void awaitMetric(String name, double atLeast) throws Exception {
        Conditions.await(name + " reaching " + atLeast, () -> {
            try {
                return metric(name) >= atLeast;
            } catch (Exception e) {
                return false; // a scrape that failed is "not yet"
            }
        });
    }

    @Test
    void offlineRecipientGetsEverythingInOrderAndOnlyAckedMessagesAreDone() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "q-order");
        Identity bobId = Identity.generate();
        Identity carolId = Identity.generate();
        Meshes.joined(fx, m, bobId, "bob").close();
        List<String> order = new ArrayList<>();
        List<String> fromAlice = new ArrayList<>();
        List<String> fromCarol = new ArrayList<>();
        try (TestPeer alice = Meshes.owner(fx, m); TestPeer carol = Meshes.joined(fx, m, carolId, "carol")) {
            for (int i = 0; i < 5; i++) {
                String a = sendOk(alice, "a" + i, bobId.publicKeyHex(), alice.dm(bobId, "from alice " + i)).messageId();
                String c = sendOk(carol, "c" + i, bobId.publicKeyHex(), carol.dm(bobId, "from carol " + i)).messageId();
                order.add(a);
                order.add(c);
                fromAlice.add(a);
                fromCarol.add(c);
            }
            // offline: nothing delivered yet; on hello the queue drains oldest first
            double deliveredBefore = metric("meshwire_queue_delivered_total");
            List<Frames.Deliver> got = new ArrayList<>();
            try (TestPeer bob = fx.peer(bobId)) {
                bob.hello(m.id());
                for (int i = 0; i < 10; i++) got.add(bob.await(Frames.Deliver.class));
                assertEquals(order, got.stream().map(Frames.Deliver::messageId).toList());
                assertEquals(fromAlice, got.stream().filter(d -> d.envelope().from().equals(alice.pubkey())).map(Frames.Deliver::messageId).toList());
                assertEquals(fromCarol, got.stream().filter(d -> d.envelope().from().equals(carol.pubkey())).map(Frames.Deliver::messageId).toList());
                // ack the first three only, then drop the connection
                for (int i = 0; i < 3; i++) bob.send(new Frames.ClientAck(got.get(i).messageId(), got.get(i).envelope().meta().clientMessageId(), got.get(i).envelope().from()));
                bob.sync("acked");
                // acks are applied in batches after the frames were read: wait for the commit, not for the pong
                awaitMetric("meshwire_queue_delivered_total", deliveredBefore + 3);
            }
            // reconnect before acking the rest: exactly the unacked seven come again, same ids, same order
            try (TestPeer bob = fx.peer(bobId)) {
                bob.hello(m.id());
                List<String> again = new ArrayList<>();
                for (int i = 0; i < 7; i++) {
                    Frames.Deliver d = bob.await(Frames.Deliver.class);
                    again.add(d.messageId());
                    bob.send(new Frames.ClientAck(d.messageId(), d.envelope().meta().clientMessageId(), d.envelope().from()));
                }
                assertEquals(order.subList(3, 10), again);
                bob.sync("acked-all");
                awaitMetric("meshwire_queue_delivered_total", deliveredBefore + 10);
            }
            // everything acked: a third connection gets nothing before a fresh marker
            try (TestPeer bob = fx.peer(bobId)) {
                bob.hello(m.id());
                assertEquals(List.of(), deliveredBeforeMarker(alice, bob, bobId, "after-acks"));
            }
        }
        assertTrue(metric("meshwire_queue_redelivered_total") >= 7);
    }

    @Test
    void duplicatesGetTheOriginalAckAndConflictsAreRefused() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "q-dup");
        Identity bobId = Identity.generate();
        try (TestPeer alice = Meshes.owner(fx, m); TestPeer bob = Meshes.joined(fx, m, bobId, "bob")) {
            Envelope env = alice.dm(bobId, "once", "cmid-1", null);
            Frames.Ack first = sendOk(alice, "s1", bob.pubkey(), env);
            alice.send(new Frames.Send("s1-retry", bob.pubkey(), env));
            Frames.Ack retry = alice.await(Frames.Ack.class, a -> "s1-retry".equals(a.id()));
            assertEquals("duplicate", retry.status());
            assertEquals(first.messageId(), retry.messageId());
            assertEquals("cmid-1", retry.clientMessageId());

            Envelope other = alice.dm(bobId, "something else", "cmid-1", null);
            Frames.Error conflict = sendErr(alice, "s1-other", bob.pubkey(), other);
            assertEquals("duplicate_conflict", conflict.code());
            assertTrue(conflict.message().contains(dev.meshwire.coordinator.relay.Relay.fingerprint(env).substring(0, 16)), conflict.message());
            assertTrue(conflict.message().contains(dev.meshwire.coordinator.relay.Relay.fingerprint(other).substring(0, 16)), conflict.message());

            Frames.Deliver d = bob.await(Frames.Deliver.class);
            assertEquals(first.messageId(), d.messageId());
            bob.send(new Frames.ClientAck(d.messageId(), "cmid-1", alice.pubkey()));
            // after delivery a retry is still a duplicate, and bob never sees a second copy
            alice.send(new Frames.Send("s1-late", bob.pubkey(), env));
            assertEquals(first.messageId(), alice.await(Frames.Ack.class, a -> "s1-late".equals(a.id())).messageId());
            assertEquals(List.of(first.messageId()), deliveredBeforeMarker(alice, bob, bobId, "dup"));
        }
    }

    @Test
    void theRateLimiterNeverHidesADuplicate() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "q-rate");
        Identity bobId = Identity.generate();
        Meshes.joined(fx, m, bobId, "bob").close();
        try (TestPeer alice = Meshes.owner(fx, m)) {
            List<Envelope> sent = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < BURST; i++) {
                Envelope e = alice.dm(bobId, "burst " + i);
                sent.add(e);
                ids.add(sendOk(alice, "b" + i, bobId.publicKeyHex(), e).messageId());
            }
            Frames.Error limited = sendErr(alice, "over", bobId.publicKeyHex(), alice.dm(bobId, "one too many"));
            assertEquals("rate_limited", limited.code());
            // the bucket is empty, yet a retry of an accepted send is answered with its original acceptance
            alice.send(new Frames.Send("b0-retry", bobId.publicKeyHex(), sent.get(0)));
            Frames.Ack dup = alice.await(Frames.Ack.class, a -> "b0-retry".equals(a.id()));
            assertEquals("duplicate", dup.status());
            assertEquals(ids.get(0), dup.messageId());
            // and a conflicting reuse of the key is still named as such
            Envelope clash = alice.dm(bobId, "clash", sent.get(1).meta().clientMessageId(), null);
            assertEquals("duplicate_conflict", sendErr(alice, "b1-clash", bobId.publicKeyHex(), clash).code());
        }
    }

    @Test
    void anUnackedDeliveryIsPushedAgainWhenItsLeaseExpires() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "q-lease");
        Identity bobId = Identity.generate();
        try (TestPeer alice = Meshes.owner(fx, m); TestPeer bob = Meshes.joined(fx, m, bobId, "bob")) {
            Frames.Ack ack = sendOk(alice, "l1", bob.pubkey(), alice.dm(bobId, "ack me"));
            Frames.Deliver first = bob.await(Frames.Deliver.class);
            assertEquals(ack.messageId(), first.messageId());
            // no ack: the same connection gets it again after the lease (1.5 s) and a sweep
            Frames.Deliver second = bob.await(Frames.Deliver.class);
            assertEquals(ack.messageId(), second.messageId());
            assertEquals(first.envelope(), second.envelope());
            bob.send(new Frames.ClientAck(second.messageId(), second.envelope().meta().clientMessageId(), alice.pubkey()));
            bob.sync("acked");
            List<String> before = deliveredBeforeMarker(alice, bob, bobId, "lease");
            assertTrue(before.stream().allMatch(ack.messageId()::equals), before.toString());
        }
    }

    @Test
    void expiredMessagesAreRefusedOrDroppedAndCounted() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "q-exp");
        Identity bobId = Identity.generate();
        Meshes.joined(fx, m, bobId, "bob").close();
        try (TestPeer alice = Meshes.owner(fx, m)) {
            Frames.Error past = sendErr(alice, "e0", bobId.publicKeyHex(), alice.dm(bobId, "too late", "cm-past", System.currentTimeMillis() - 1));
            assertEquals("expired", past.code());
            double before = metric("meshwire_queue_expired_total");
            sendOk(alice, "e1", bobId.publicKeyHex(), alice.dm(bobId, "short-lived", "cm-short", System.currentTimeMillis() + 300));
            awaitMetric("meshwire_queue_expired_total", before + 1);
            try (TestPeer bob = fx.peer(bobId)) {
                bob.hello(m.id());
                assertEquals(List.of(), deliveredBeforeMarker(alice, bob, bobId, "exp"));
            }
        }
    }

    @Test
    void aFullQueueAnswersQueueFull() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "q-cap");
        Identity bobId = Identity.generate();
        Identity carolId = Identity.generate();
        Meshes.joined(fx, m, bobId, "bob").close();
        try (TestPeer alice = Meshes.owner(fx, m); TestPeer carol = Meshes.joined(fx, m, carolId, "carol")) {
            for (int i = 0; i < BURST; i++) sendOk(alice, "f" + i, bobId.publicKeyHex(), alice.dm(bobId, "fill " + i));
            for (int i = 0; i < CAP - BURST; i++) sendOk(carol, "g" + i, bobId.publicKeyHex(), carol.dm(bobId, "fill " + i));
            Frames.Error full = sendErr(carol, "g-over", bobId.publicKeyHex(), carol.dm(bobId, "over the cap"));
            assertEquals("queue_full", full.code());
            // other recipients are unaffected
            sendOk(carol, "to-alice", alice.pubkey(), carol.dm(alice.identity, "hi"));
        }
    }

    @Test
    void aBanDropsQueuedMessagesFromTheBannedKeyAndAKickLosesNothing() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "q-mod");
        Identity bobId = Identity.generate();
        Identity carolId = Identity.generate();
        Meshes.joined(fx, m, bobId, "bob").close();
        double droppedBefore = fx.coordinator.metrics().count("meshwire_queue_dropped", "reason", "banned");
        try (TestPeer owner = Meshes.owner(fx, m); TestPeer carol = Meshes.joined(fx, m, carolId, "carol")) {
            String fromCarol = sendOk(carol, "c1", bobId.publicKeyHex(), carol.dm(bobId, "before my ban")).messageId();
            String fromOwner = sendOk(owner, "o1", bobId.publicKeyHex(), owner.dm(bobId, "hello bob")).messageId();
            owner.send(new Frames.Ban("ban", carol.pubkey()));
            assertTrue(owner.await(Frames.Ok.class, o -> "ban".equals(o.id())).detail().contains("1 queued message(s) dropped"));
            assertEquals(4002, carol.awaitClose());
            assertEquals(droppedBefore + 1, fx.coordinator.metrics().count("meshwire_queue_dropped", "reason", "banned"));
            // a banned member receives nothing new
            assertEquals("unknown_recipient", sendErr(owner, "o2", carol.pubkey(), owner.dm(carolId, "x")).code());

            try (TestPeer bob = fx.peer(bobId)) {
                bob.hello(m.id());
                assertEquals(fromOwner, bob.await(Frames.Deliver.class).messageId(), "the message queued by the banned key is never delivered");
                // kicked before acking: the next session gets it again
                owner.send(new Frames.Kick("kick", bob.pubkey()));
                assertEquals(4001, bob.awaitClose());
                assertTrue(bob.seen().stream().noneMatch(f -> f instanceof Frames.Deliver d && d.messageId().equals(fromCarol)));
            }
            try (TestPeer bob = fx.peer(bobId)) {
                bob.hello(m.id());
                assertEquals(fromOwner, bob.await(Frames.Deliver.class).messageId());
                bob.sync("after");
                assertTrue(bob.seen().stream().noneMatch(f -> f instanceof Frames.Deliver d && d.messageId().equals(fromCarol)));
            }
        }
    }
}
