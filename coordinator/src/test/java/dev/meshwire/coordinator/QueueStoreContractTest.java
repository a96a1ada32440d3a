package dev.meshwire.coordinator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.coordinator.store.CoordinatorStore;
import dev.meshwire.coordinator.store.DedupeRecord;
import dev.meshwire.coordinator.store.JoinResult;
import dev.meshwire.coordinator.store.MemberRecord;
import dev.meshwire.coordinator.store.MeshEffect;
import dev.meshwire.coordinator.store.MeshRecord;
import dev.meshwire.coordinator.store.Migration;
import dev.meshwire.coordinator.store.Queued;
import dev.meshwire.signaling.crypto.Hex;
import dev.meshwire.signaling.crypto.Sodium;
import dev.meshwire.signaling.meshstate.EventPayload;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The store contract of the durable queue, run unchanged against real SQLite and real PostgreSQL
 * (subclasses at the bottom). Times are passed explicitly, so leases and expiry need no sleeping.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class QueueStoreContractTest {
    static final long LEASE = 30_000;
    final StoreKind kind;
    Vertx vertx;
    Path dir;
    String url;
    CoordinatorStore store;
    final AtomicInteger seq = new AtomicInteger();

    QueueStoreContractTest(StoreKind kind) {
        this.kind = kind;
    }

    @BeforeAll
    void open() throws Exception {
        vertx = Vertx.vertx();
        dir = Files.createTempDirectory("mw-store-test");
        url = kind.freshUrl(dir, "contract");
        store = kind.open(vertx, url);
    }

    /**
     * A coordinator restart: the store is closed and the same database opened again (a SQLite file serves one store at
     * a time, docs/storage.md). Returns the new store, which the rest of the class uses.
     */
    CoordinatorStore restart() throws Exception {
        store.close();
        store = kind.open(vertx, url);
        return store;
    }

    @AfterAll
    void close() throws Exception {
        store.close();
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    static <T> T await(Future<T> f) throws Exception {
        return f.await(30, TimeUnit.SECONDS);
    }

    static String key() {
        return Hex.encode(Sodium.randomBytes(32));
    }

    /** A mesh with an owner and the given extra members; returns [meshId, owner, members...]. */
    List<String> mesh(int members) throws Exception {
        String meshId = "m_" + Hex.encode(Sodium.randomBytes(8));
        String owner = key();
        long now = System.currentTimeMillis();
        StoreMeshes.create(store, new MeshRecord(meshId, "mesh-" + seq.incrementAndGet() + "-" + meshId.substring(2, 10), owner, now),
                new MemberRecord(meshId, owner, "owner", MemberRecord.OWNER, now));
        List<String> out = new ArrayList<>(List.of(meshId, owner));
        for (int i = 0; i < members; i++) {
            String k = key();
            MemberRecord candidate = new MemberRecord(meshId, k, "m" + i, MemberRecord.MEMBER, now);
            JoinResult r = await(store.joinWithInvite("inv-" + meshId, 100, candidate, StoreMeshes.joined(candidate)));
            assertInstanceOf(JoinResult.Joined.class, r);
            out.add(k);
        }
        return out;
    }

    static Queued.Enqueue msg(String mesh, String from, String to, String cmid, String fp, long now) {
        return new Queued.Enqueue("msg_" + Hex.encode(Sodium.randomBytes(12)), mesh, from, to, cmid, fp, "next",
                "{\"v\":2,\"cmid\":\"" + cmid + "\"}", now, now + 7 * 86_400_000L);
    }

    Queued.Result one(Queued.Enqueue e) throws Exception {
        return await(store.enqueue(List.of(e), 200_000)).get(0);
    }

    @Test
    void migrationsAreIdempotent() throws Exception {
        assertEquals(Migration.latestVersion(), await(store.schemaVersion()));
        // opening the same database again applies nothing and works
        assertEquals(Migration.latestVersion(), await(restart().schemaVersion()));
        assertEquals(11, Migration.latestVersion());
    }

    /** The topic history (migration 7, docs/storage.md "Topic history") behaves the same on both stores. */
    @Test
    void topicHistoryDedupesPagesAndPrunes() throws Exception {
        var h = store.topicHistory();
        String mesh = "m_topichistory0001";
        var first = await(h.store(new dev.meshwire.coordinator.store.TopicHistory.Post("msg_" + "1".repeat(24), mesh, "general", "s1", "c1",
                "f1", "{\"a\":1}", 1_000)));
        var accepted = assertInstanceOf(dev.meshwire.coordinator.store.TopicHistory.Result.Accepted.class, first);
        var dup = await(h.store(new dev.meshwire.coordinator.store.TopicHistory.Post("msg_" + "2".repeat(24), mesh, "general", "s1", "c1",
                "f1", "{\"a\":1}", 1_001)));
        assertEquals(accepted.messageId(), assertInstanceOf(dev.meshwire.coordinator.store.TopicHistory.Result.Duplicate.class, dup).messageId());
        var conflict = await(h.store(new dev.meshwire.coordinator.store.TopicHistory.Post("msg_" + "3".repeat(24), mesh, "general", "s1", "c1",
                "f2", "{\"a\":2}", 1_002)));
        assertEquals("f1", assertInstanceOf(dev.meshwire.coordinator.store.TopicHistory.Result.Conflict.class, conflict).fingerprint());
        assertEquals(accepted.messageId(), await(h.find(mesh, "general", "s1", "c1")).orElseThrow().messageId());
        assertTrue(await(h.find(mesh, "general", "s1", "nope")).isEmpty());
        await(h.store(new dev.meshwire.coordinator.store.TopicHistory.Post("msg_" + "4".repeat(24), mesh, "general", "s2", "c1",
                "f3", "{\"b\":1}", 2_000)));
        await(h.store(new dev.meshwire.coordinator.store.TopicHistory.Post("msg_" + "5".repeat(24), mesh, "other", "s1", "c9",
                "f4", "{\"c\":1}", 2_000)));
        var page = await(h.page(mesh, "general", 0, 0, 10));
        assertEquals(2, page.size(), "same clientMessageId from another sender is another post; another topic is not listed");
        assertTrue(page.get(0).seq() < page.get(1).seq());
        assertEquals(List.of("s2"), await(h.page(mesh, "general", page.get(0).seq(), 0, 10)).stream().map(x -> x.sender()).toList());
        assertEquals(1, await(h.page(mesh, "general", 0, 1_500, 10)).size(), "since");
        assertEquals(1, await(h.prune(1_500)));
        assertEquals(1L, await(h.count(mesh, "general")));
    }

    @Test
    void enqueueAnswersDuplicatesWithTheOriginalAndRefusesConflicts() throws Exception {
        List<String> m = mesh(1);
        long now = System.currentTimeMillis();
        Queued.Enqueue first = msg(m.get(0), m.get(1), m.get(2), "c1", "aa".repeat(32), now);
        Queued.Result r1 = one(first);
        assertEquals(new Queued.Result.Accepted(first.messageId()), r1);
        // same key, same fingerprint, new message id: the original acceptance comes back, nothing inserted
        Queued.Result r2 = one(msg(m.get(0), m.get(1), m.get(2), "c1", "aa".repeat(32), now));
        assertEquals(new Queued.Result.Duplicate(first.messageId()), r2);
        Queued.Result r3 = one(msg(m.get(0), m.get(1), m.get(2), "c1", "bb".repeat(32), now));
        assertEquals(new Queued.Result.Conflict(first.messageId(), "aa".repeat(32)), r3);
        assertEquals(1L, await(store.queueDepth(m.get(0), m.get(2))));
        assertEquals(Optional.of(new Queued.Existing(first.messageId(), "aa".repeat(32))),
                await(store.findQueued(m.get(0), m.get(1), m.get(2), "c1")));
        // the same clientMessageId from another sender or to another recipient is a different key
        Queued.Result other = one(msg(m.get(0), m.get(2), m.get(1), "c1", "cc".repeat(32), now));
        assertInstanceOf(Queued.Result.Accepted.class, other);
        // a duplicate stays a duplicate after delivery (the row is kept for the retention)
        List<Queued.Message> claimed = await(store.claim(m.get(0), m.get(2), "claim-a", 0, 10, now, LEASE));
        assertEquals(1, await(store.markDelivered(List.of(new Queued.AckRef(m.get(0), m.get(2), claimed.get(0).messageId())), now)));
        assertEquals(new Queued.Result.Duplicate(first.messageId()), one(msg(m.get(0), m.get(1), m.get(2), "c1", "aa".repeat(32), now)));
    }

    /**
     * {@link CoordinatorStore#commitGroup}: enqueues, then acks, then claims — a claim in the group sees the rows the same
     * group inserted, an ack in it applies — and what it answered is committed: a second connection to the same database
     * sees it as soon as the future completes (a sender's ack goes out only then).
     */
    @Test
    void aGroupEnqueuesAcksAndClaimsInThatOrderAndIsCommittedWhenItAnswers() throws Exception {
        List<String> m = mesh(2);
        String mesh = m.get(0), a = m.get(2), b = m.get(3);
        long now = System.currentTimeMillis();
        final String FP = "0a".repeat(32); // a full fingerprint: the dedupe record keeps its prefix (truncated)
        Queued.Enqueue old = msg(mesh, a, b, "g0", FP, now);
        assertInstanceOf(Queued.Result.Accepted.class, one(old));
        List<Queued.Message> pushed = await(store.claim(mesh, b, "kb", 0, 10, now, LEASE));
        assertEquals(List.of(old.messageId()), Queued.ids(pushed));

        Queued.Enqueue n1 = msg(mesh, a, b, "g1", FP, now), n2 = msg(mesh, b, a, "g2", FP, now), n3 = msg(mesh, a, b, "g3", FP, now);
        Queued.GroupResult r = await(store.commitGroup(new Queued.Group(List.of(n1, n2, n3, msg(mesh, a, b, "g0", FP, now)), 200_000,
                List.of(new Queued.AckRef(mesh, b, old.messageId())),
                List.of(new Queued.ClaimRequest(mesh, b, "kb", pushed.get(0).seq(), 10, LEASE), new Queued.ClaimRequest(mesh, a, "ka", 0, 1, LEASE)),
                now)));
        assertEquals(List.of(new Queued.Result.Accepted(n1.messageId()), new Queued.Result.Accepted(n2.messageId()),
                new Queued.Result.Accepted(n3.messageId()), new Queued.Result.Duplicate(old.messageId())), r.enqueued());
        assertEquals(1, r.delivered(), "the ack in the group moved the old row out of the queue");
        assertEquals(List.of(List.of(n1.messageId(), n3.messageId()), List.of(n2.messageId())), r.claimed().stream().map(Queued::ids).toList(),
                "each claim, after the inserts, got its recipient's new rows in row order");

        CoordinatorStore second = restart();
        assertEquals(2L, await(second.queueDepth(mesh, b)), "committed before the future completed");
        assertEquals(Optional.of(n3.messageId()), await(second.findQueued(mesh, a, b, "g3")).map(Queued.Existing::messageId));
        assertTrue(await(second.findQueued(mesh, a, b, "g0")).orElseThrow().truncated(), "the acked row left only its dedupe record");
        // rows claimed in the group are leased: claiming again under the same claim id finds nothing new
        assertEquals(List.of(), await(second.claim(mesh, b, "kb", 0, 10, now, LEASE)));
    }

    /**
     * A group's claim takes its recipient's older rows first, then the group's new rows up to its limit (on SQLite the
     * new rows are written already claimed at their insert); the rest stay for the next claim, in row order. Rows taken
     * that way are leased like any claimed row: a later session (another claim id) and a restarted coordinator get them
     * again as redeliveries.
     */
    @Test
    void rowsClaimedInTheGroupThatInsertedThemAreRedeliveredToTheNextSessionAndAfterARestart() throws Exception {
        List<String> m = mesh(2);
        String mesh = m.get(0), a = m.get(2), b = m.get(3);
        long now = System.currentTimeMillis();
        Queued.Enqueue older = msg(mesh, a, b, "t0", "fp", now);
        assertInstanceOf(Queued.Result.Accepted.class, one(older));
        Queued.Enqueue n1 = msg(mesh, a, b, "t1", "fp", now), n2 = msg(mesh, a, b, "t2", "fp", now), n3 = msg(mesh, a, b, "t3", "fp", now);
        Queued.GroupResult r = await(store.commitGroup(new Queued.Group(List.of(n1, n2, n3), 200_000, List.of(),
                List.of(new Queued.ClaimRequest(mesh, b, "s1", 0, 3, LEASE)), now)));
        r.enqueued().forEach(x -> assertInstanceOf(Queued.Result.Accepted.class, x));
        List<Queued.Message> first = r.claimed().get(0);
        assertEquals(List.of(older.messageId(), n1.messageId(), n2.messageId()), Queued.ids(first), "older row first, then new rows up to the limit");
        assertEquals(List.of(1, 1, 1), first.stream().map(Queued.Message::attempts).toList());
        assertEquals(n1.envelopeJson(), first.get(1).envelopeJson());
        assertEquals(List.of(n3.messageId()), Queued.ids(await(store.claim(mesh, b, "s1", 0, 10, now, LEASE))),
                "the row beyond the limit was left unclaimed; the taken ones are leased to s1");

        // the session drops; the member's next session (a new claim id) gets all four again
        List<Queued.Message> next = await(store.claim(mesh, b, "s2", 0, 10, now + 1, LEASE));
        assertEquals(List.of(older.messageId(), n1.messageId(), n2.messageId(), n3.messageId()), Queued.ids(next));
        assertEquals(List.of(2, 2, 2, 2), next.stream().map(Queued.Message::attempts).toList(), "each a redelivery");

        // a restarted coordinator (a new store on the same database) pushes them again under its own claim id
        CoordinatorStore restarted = restart();
        List<Queued.Message> again = await(restarted.claim(mesh, b, "s3", 0, 10, now + 2, LEASE));
        assertEquals(List.of(older.messageId(), n1.messageId(), n2.messageId(), n3.messageId()), Queued.ids(again));
        assertEquals(1, await(restarted.markDelivered(List.of(new Queued.AckRef(mesh, b, n1.messageId())), now + 3)));
    }

    /** A session key's sends (sender ≠ sender member) are claimed in their group too, with the claim's sender checks. */
    @Test
    void aSessionKeysRowsAreClaimedInTheGroupThatInsertedThem() throws Exception {
        List<String> m = mesh(2);
        String mesh = m.get(0), a = m.get(2), b = m.get(3);
        long now = System.currentTimeMillis();
        Queued.Enqueue own = msg(mesh, a, b, "u1", "fp", now);
        Queued.Enqueue ofSession = fromDelegate(mesh, key(), a, b, "u2", now);
        Queued.GroupResult r = await(store.commitGroup(new Queued.Group(List.of(own, ofSession), 200_000, List.of(),
                List.of(new Queued.ClaimRequest(mesh, b, "s1", 0, 10, LEASE)), now)));
        r.enqueued().forEach(x -> assertInstanceOf(Queued.Result.Accepted.class, x));
        assertEquals(List.of(own.messageId(), ofSession.messageId()), Queued.ids(r.claimed().get(0)));
    }

    @Test
    void recipientsMustBeMembersAndNotBanned() throws Exception {
        List<String> m = mesh(2);
        long now = System.currentTimeMillis();
        StoreMeshes.ban(store, m.get(0), m.get(3), "m1", m.get(1), now);
        List<Queued.Result> rs = await(store.enqueue(List.of(
                msg(m.get(0), m.get(1), key(), "x1", "aa", now),
                msg(m.get(0), m.get(1), m.get(3), "x2", "aa", now),
                msg(m.get(0), m.get(1), m.get(2), "x3", "aa", now)), 200_000));
        assertInstanceOf(Queued.Result.UnknownRecipient.class, rs.get(0));
        assertInstanceOf(Queued.Result.RecipientBanned.class, rs.get(1));
        assertInstanceOf(Queued.Result.Accepted.class, rs.get(2));
    }

    /** A row queued by a session or service key for member {@code member} (docs/protocol.md §6.3 "Queue"). */
    static Queued.Enqueue fromDelegate(String mesh, String key, String member, String to, String cmid, long now) {
        Queued.Enqueue e = msg(mesh, key, to, cmid, "fp", now);
        return new Queued.Enqueue(e.messageId(), mesh, key, to, cmid, "fp", "next", e.envelopeJson(), now, e.expiresAt(), member, to);
    }

    @Test
    void rowsOfASessionFollowTheMemberTheyWereQueuedFor() throws Exception {
        List<String> m = mesh(3);
        String mesh = m.get(0), owner = m.get(1), a = m.get(2), b = m.get(3), c = m.get(4);
        long now = System.currentTimeMillis();
        String sessionOfA = key(), sessionOfC = key(), sessionOfOwner = key();
        Queued.Enqueue own = msg(mesh, a, b, "own", "fp", now);
        Queued.Enqueue ofA = fromDelegate(mesh, sessionOfA, a, b, "sa", now);
        Queued.Enqueue ofC = fromDelegate(mesh, sessionOfC, c, b, "sc", now);
        Queued.Enqueue ofOwner = fromDelegate(mesh, sessionOfOwner, owner, b, "so", now);
        await(store.enqueue(List.of(own, ofA, ofC, ofOwner), 200_000)).forEach(r -> assertInstanceOf(Queued.Result.Accepted.class, r));
        List<Queued.Message> claimed = await(store.claim(mesh, b, "k1", 0, 10, now, LEASE));
        assertEquals(List.of(a, a, c, owner), claimed.stream().map(Queued.Message::senderMember).toList(), "the claim says whose each row is");
        assertEquals(List.of(a, sessionOfA, sessionOfC, sessionOfOwner), claimed.stream().map(Queued.Message::sender).toList());

        // Banning c deletes its session's row although the store never saw that session connect.
        assertEquals(1, StoreMeshes.ban(store, mesh, c, "m2", owner, now).droppedMessages());
        // a leaves: nothing is deleted, but its session's row is never handed out again (its own row still is:
        // a receiver judges a former member's signature itself).
        await(store.append(mesh, StoreMeshes.sealer(mesh, now, a, new EventPayload.MemberLeft(a)), new MeshEffect.RemoveMember(a)));
        List<Queued.Message> again = await(store.claim(mesh, b, "k2", 0, 10, now + 1, LEASE));
        assertEquals(List.of(own.messageId(), ofOwner.messageId()), Queued.ids(again));
        assertEquals(3L, await(store.queueDepth(mesh, b)));
    }

    @Test
    void claimIsFifoLeasedAndNeverMarksDelivered() throws Exception {
        List<String> m = mesh(2);
        String mesh = m.get(0), a = m.get(1), b = m.get(2), c = m.get(3);
        long now = System.currentTimeMillis();
        List<Queued.Enqueue> batch = new ArrayList<>();
        for (int i = 0; i < 6; i++) batch.add(msg(mesh, i % 2 == 0 ? a : c, b, "k" + i, "fp", now));
        List<Queued.Result> rs = await(store.enqueue(batch, 200_000));
        rs.forEach(r -> assertInstanceOf(Queued.Result.Accepted.class, r));

        List<Queued.Message> first = await(store.claim(mesh, b, "s1", 0, 4, now, LEASE));
        assertEquals(batch.subList(0, 4).stream().map(Queued.Enqueue::messageId).toList(), Queued.ids(first));
        assertTrue(first.stream().allMatch(x -> x.attempts() == 1));
        assertEquals("{\"v\":2,\"cmid\":\"k0\"}", first.get(0).envelopeJson());
        // the same claimer sees only the rest while its lease lives
        List<Queued.Message> rest = await(store.claim(mesh, b, "s1", 0, 10, now + 1, LEASE));
        assertEquals(batch.subList(4, 6).stream().map(Queued.Enqueue::messageId).toList(), Queued.ids(rest));
        assertEquals(0, await(store.claim(mesh, b, "s1", 0, 10, now + 2, LEASE)).size());
        // claimed is not delivered: the depth still counts all six
        assertEquals(6L, await(store.queueDepth(mesh, b)));

        // acks by another member change nothing; the recipient's ack marks delivered
        assertEquals(0, await(store.markDelivered(List.of(new Queued.AckRef(mesh, a, first.get(0).messageId())), now)));
        assertEquals(2, await(store.markDelivered(List.of(new Queued.AckRef(mesh, b, first.get(0).messageId()),
                new Queued.AckRef(mesh, b, first.get(1).messageId()), new Queued.AckRef(mesh, b, "msg_unknown")), now)));
        assertEquals(0, await(store.markDelivered(List.of(new Queued.AckRef(mesh, b, first.get(0).messageId())), now)));
        assertEquals(4L, await(store.queueDepth(mesh, b)));

        // a new session (other claim id) takes the unacked rows over at once, in order, as redeliveries
        List<Queued.Message> takeover = await(store.claim(mesh, b, "s2", 0, 10, now + 3, LEASE));
        assertEquals(List.of(first.get(2).messageId(), first.get(3).messageId(), rest.get(0).messageId(), rest.get(1).messageId()), Queued.ids(takeover));
        assertTrue(takeover.stream().allMatch(x -> x.attempts() == 2));

        // lease expiry: the same claimer gets them again after the lease
        assertEquals(0, await(store.claim(mesh, b, "s2", 0, 10, now + 4, LEASE)).size());
        List<Queued.Message> again = await(store.claim(mesh, b, "s2", 0, 10, now + 3 + LEASE, LEASE));
        assertEquals(Queued.ids(takeover), Queued.ids(again));
        assertTrue(again.stream().allMatch(x -> x.attempts() == 3));
    }

    @Test
    void sweeperExpiresReleasesAndPrunes() throws Exception {
        List<String> m = mesh(1);
        String mesh = m.get(0), a = m.get(1), b = m.get(2);
        long now = System.currentTimeMillis();
        Queued.Enqueue shortLived = new Queued.Enqueue("msg_" + Hex.encode(Sodium.randomBytes(12)), mesh, a, b, "short", "fp", "now", "{}", now, now + 1_000);
        Queued.Enqueue normal = msg(mesh, a, b, "normal", "fp", now);
        Queued.Enqueue delivered = msg(mesh, a, b, "delivered", "fp", now);
        await(store.enqueue(List.of(shortLived, normal, delivered), 200_000));
        // an expired row is never claimed, even before the sweeper deleted it
        List<Queued.Message> claimed = await(store.claim(mesh, b, "s1", 0, 10, now + 2_000, LEASE));
        assertEquals(List.of(normal.messageId(), delivered.messageId()), Queued.ids(claimed));
        await(store.markDelivered(List.of(new Queued.AckRef(mesh, b, delivered.messageId())), now + 2_000));

        Queued.SweepResult early = await(store.sweep(now + 2_000, 60_000));
        assertEquals(1, early.expired());
        assertEquals(0, early.claimsReleased());
        assertEquals(0, early.pruned());
        assertTrue(early.depth() >= 1);
        assertEquals(Optional.empty(), await(store.findQueued(mesh, a, b, "short")));

        Queued.SweepResult late = await(store.sweep(now + 2_000 + LEASE + 60_000, 60_000));
        assertEquals(0, late.expired());
        assertEquals(1, late.claimsReleased());
        // acknowledged messages are pruned one slice of the hashed key space per pass (DedupeRecord.PRUNE_SLICES)
        int pruned = late.pruned();
        for (int i = 1; i < DedupeRecord.PRUNE_SLICES; i++) pruned += await(store.sweep(now + 2_000 + LEASE + 60_000, 60_000)).pruned();
        assertTrue(pruned >= 1, "the delivered message's record is pruned within one round of slices");
        assertEquals(Optional.empty(), await(store.findQueued(mesh, a, b, "delivered")));
        assertEquals(1L, await(store.queueDepth(mesh, b)));
    }

    /** The sweep names who holds the undelivered rows, so the coordinator wakes only the pumps that can claim some. */
    @Test
    void sweepGroupsUndeliveredRowsByHolder() throws Exception {
        List<String> m = mesh(2);
        String mesh = m.get(0), a = m.get(1), b = m.get(2), c = m.get(3);
        long now = System.currentTimeMillis();
        List<Queued.Enqueue> rows = List.of(msg(mesh, a, b, "p0", "fp", now), msg(mesh, a, b, "p1", "fp", now),
                msg(mesh, a, b, "p2", "fp", now), msg(mesh, a, c, "p0", "fp", now));
        await(store.enqueue(rows, 200_000));
        assertEquals(1, await(store.claim(mesh, b, "s1", 0, 1, now, LEASE)).size());

        Queued.SweepResult live = await(store.sweep(now + 1, 60_000));
        assertEquals(java.util.Set.of(new Queued.Pending(mesh, b, null, 2), new Queued.Pending(mesh, b, "s1", 1), new Queued.Pending(mesh, c, null, 1)),
                ofMesh(live, mesh));
        assertEquals(live.pending().stream().mapToLong(Queued.Pending::rows).sum(), live.depth());

        // the lease ran out: the sweep releases it, so all of b's rows are held by nobody; c's acked row is gone
        await(store.markDelivered(List.of(new Queued.AckRef(mesh, c, rows.get(3).messageId())), now + 2));
        Queued.SweepResult released = await(store.sweep(now + LEASE + 1, 60_000));
        assertEquals(java.util.Set.of(new Queued.Pending(mesh, b, null, 3)), ofMesh(released, mesh));
        assertEquals(released.pending().stream().mapToLong(Queued.Pending::rows).sum(), released.depth());
    }

    static java.util.Set<Queued.Pending> ofMesh(Queued.SweepResult r, String mesh) {
        return r.pending().stream().filter(p -> p.meshId().equals(mesh)).collect(java.util.stream.Collectors.toSet());
    }

    /**
     * Issue #10 item 4 (docs/storage.md "Delivered messages"): once acknowledged, a message leaves only its narrow
     * dedupe record — no ciphertext, no queue row — which still answers a retry as a duplicate with the original id and
     * refuses a different envelope under the same key, until the retention ends.
     */
    @Test
    void anAckedMessageKeepsOnlyANarrowDedupeRecordUntilTheRetentionEnds() throws Exception {
        List<String> m = mesh(1);
        String mesh = m.get(0), a = m.get(1), b = m.get(2);
        long now = System.currentTimeMillis();
        String fp = "0f".repeat(32);
        Queued.Enqueue first = msg(mesh, a, b, "narrow", fp, now);
        assertEquals(new Queued.Result.Accepted(first.messageId()), one(first));
        List<Queued.Message> claimed = await(store.claim(mesh, b, "c-narrow", 0, 10, now, LEASE));
        assertEquals(List.of(first.messageId()), Queued.ids(claimed));
        assertEquals(1, await(store.markDelivered(List.of(new Queued.AckRef(mesh, b, first.messageId())), now)));
        // a second ack of the same message changes nothing
        assertEquals(0, await(store.markDelivered(List.of(new Queued.AckRef(mesh, b, first.messageId())), now)));

        // the ciphertext and the queue row are gone; what stays is the narrow record
        assertArrayEquals(new long[] {0}, DbProbe.row(vertx, kind, url,
                "SELECT COUNT(*) FROM message_queue WHERE message_id = '" + first.messageId() + "'"));
        if (kind == StoreKind.SQLITE) {
            // 16 + 12 + 16 bytes of raw key hash, id and fingerprint: appended to the recent records, later merged into
            // message_dedupe (SqliteRecentDedupeTest)
            assertArrayEquals(new long[] {1, 16, 12, 16}, DbProbe.row(vertx, kind, url,
                    "SELECT COUNT(*), MAX(length(key)), MAX(length(message_id)), MAX(length(fingerprint)) FROM (SELECT key, message_id, "
                            + "fingerprint FROM message_dedupe UNION ALL SELECT key, message_id, fingerprint FROM message_dedupe_recent) WHERE message_id = X'"
                            + first.messageId().substring(4) + "'"));
        } else {
            // one record in slot a of a message_dedupe row, fixed-width columns (PgDedupeRecord): a 72-byte tuple while
            // slots b and c are empty (their NULLs need a null bitmap)
            String mine = "FROM message_dedupe x WHERE id_head_a = " + dev.meshwire.coordinator.store.PgDedupeRecord.idHead(first.messageId());
            assertArrayEquals(new long[] {1, 0, 72}, DbProbe.row(vertx, kind, url,
                    "SELECT COUNT(*), COUNT(key_head_b) + COUNT(key_head_c), (SELECT pg_column_size(x.*) " + mine + " LIMIT 1) " + mine));
        }

        // a retry of the identical envelope: the original acceptance; a different envelope under the key: refused
        assertEquals(new Queued.Result.Duplicate(first.messageId()), one(msg(mesh, a, b, "narrow", fp, now + 1)));
        Queued.Result conflict = one(msg(mesh, a, b, "narrow", "1f".repeat(32), now + 1));
        Queued.Result.Conflict c = assertInstanceOf(Queued.Result.Conflict.class, conflict);
        assertEquals(first.messageId(), c.existingMessageId());
        assertTrue(fp.startsWith(c.existingFingerprint()) && c.existingFingerprint().length() >= 16, c.existingFingerprint());
        Queued.Existing found = await(store.findQueued(mesh, a, b, "narrow")).orElseThrow();
        assertEquals(first.messageId(), found.messageId());
        assertTrue(found.sameContent(fp));
        assertFalse(found.sameContent("1f".repeat(32)));
        assertFalse(found.sameContent(fp.substring(0, 32)), "a prefix alone is not the identical envelope");
        assertEquals(0L, await(store.queueDepth(mesh, b)));

        // still known just inside the retention, forgotten after it (one full round of prune slices; PostgreSQL keeps
        // the delivery time in whole seconds and prunes a record once its whole second lies before the cutoff)
        long retention = 86_400_000L;
        for (int i = 0; i < DedupeRecord.PRUNE_SLICES; i++) await(store.sweep(now + retention - 1, retention));
        assertEquals(new Queued.Result.Duplicate(first.messageId()), one(msg(mesh, a, b, "narrow", fp, now + 2)));
        for (int i = 0; i < DedupeRecord.PRUNE_SLICES; i++) await(store.sweep(now + retention + 1_000, retention));
        assertEquals(Optional.empty(), await(store.findQueued(mesh, a, b, "narrow")));
        Queued.Enqueue again = msg(mesh, a, b, "narrow", fp, now + retention);
        assertEquals(new Queued.Result.Accepted(again.messageId()), one(again), "after the retention the key is new again");

        // ids and fingerprints in other formats are kept verbatim (the PostgreSQL ack encodes in SQL, the lookup in Java)
        Queued.Enqueue odd = new Queued.Enqueue("odd-id-1", mesh, a, b, "narrow-odd ü|x", "fp", "next", "{}", now, now + 86_400_000L);
        assertEquals(new Queued.Result.Accepted("odd-id-1"), one(odd));
        assertEquals(List.of("odd-id-1"), Queued.ids(await(store.claim(mesh, b, "c-odd", 0, 10, now, LEASE))).stream()
                .filter("odd-id-1"::equals).toList());
        assertEquals(1, await(store.markDelivered(List.of(new Queued.AckRef(mesh, b, "odd-id-1")), now)));
        assertEquals(Optional.of(new Queued.Existing("odd-id-1", "fp")), await(store.findQueued(mesh, a, b, "narrow-odd ü|x")));
        assertEquals(new Queued.Result.Duplicate("odd-id-1"),
                one(new Queued.Enqueue("odd-id-2", mesh, a, b, "narrow-odd ü|x", "fp", "next", "{}", now, now + 86_400_000L)));
    }

    @Test
    void queueCapRefusesBeyondTheLimit() throws Exception {
        List<String> m = mesh(2);
        String mesh = m.get(0), a = m.get(1), b = m.get(2), c = m.get(3);
        long now = System.currentTimeMillis();
        List<Queued.Enqueue> batch = new ArrayList<>();
        for (int i = 0; i < 4; i++) batch.add(msg(mesh, a, b, "q" + i, "fp", now));
        batch.add(msg(mesh, a, c, "q0", "fp", now));
        List<Queued.Result> rs = await(store.enqueue(batch, 3));
        for (int i = 0; i < 3; i++) assertInstanceOf(Queued.Result.Accepted.class, rs.get(i));
        assertEquals(new Queued.Result.QueueFull(3, 3), rs.get(3));
        assertInstanceOf(Queued.Result.Accepted.class, rs.get(4)); // other recipients are not affected
        assertInstanceOf(Queued.Result.QueueFull.class, await(store.enqueue(List.of(msg(mesh, a, b, "q9", "fp", now)), 3)).get(0));
        // after one delivery there is room again
        List<Queued.Message> claimed = await(store.claim(mesh, b, "s", 0, 1, now, LEASE));
        await(store.markDelivered(List.of(new Queued.AckRef(mesh, b, claimed.get(0).messageId())), now));
        assertInstanceOf(Queued.Result.Accepted.class, await(store.enqueue(List.of(msg(mesh, a, b, "q9", "fp", now)), 3)).get(0));
    }

    @Test
    void largeBatchesKeepOrderAcrossSenders() throws Exception {
        List<String> m = mesh(3);
        String mesh = m.get(0), b = m.get(2);
        long now = System.currentTimeMillis();
        List<Queued.Enqueue> all = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            List<Queued.Enqueue> batch = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                String from = i % 3 == 0 ? m.get(1) : i % 3 == 1 ? m.get(3) : m.get(4);
                batch.add(msg(mesh, from, b, "r" + round + "-" + i, "fp", now));
            }
            all.addAll(batch);
            await(store.enqueue(batch, 200_000)).forEach(r -> assertInstanceOf(Queued.Result.Accepted.class, r));
        }
        List<String> got = new ArrayList<>();
        while (true) {
            List<Queued.Message> c = await(store.claim(mesh, b, "s", 0, 400, now, LEASE));
            if (c.isEmpty()) break;
            got.addAll(Queued.ids(c));
            List<Queued.AckRef> acks = c.stream().map(x -> new Queued.AckRef(mesh, b, x.messageId())).toList();
            assertEquals(c.size(), await(store.markDelivered(acks, now)));
        }
        assertEquals(all.stream().map(Queued.Enqueue::messageId).toList(), got);
        assertEquals(0L, await(store.queueDepth(mesh, b)));
    }
}
