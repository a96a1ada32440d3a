package dev.meshwire.peer.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outbox's group commits on a real SQLite file: accepts from many threads at once (sharing transactions) insert each
 * id exactly once and answer every caller as a lone accept would; another connection reads the row as soon as the call
 * returns (committed before the answer); a batch keeps its order and treats a repeated id as a duplicate; the grouped
 * {@code markDone} and the aggregate computed from one read of the copies give the states of docs/delivery.md §1.
 */
class OutboxGroupCommitTest {
    static final String MESH = "m_0123456789abcdef";
    static final String BOB = "b0".repeat(32);
    static final String CAROL = "ca".repeat(32);
    @TempDir
    Path tmp;

    static OutboxStore.NewRequest dm(String cmid) {
        return new OutboxStore.NewRequest(cmid, MESH, "team", "dm", BOB, "dm", "next", null, null, "d".repeat(64),
                List.of(new OutboxStore.NewCopy(BOB, "bob", "{\"id\":\"" + cmid + "\"}")), null);
    }

    static OutboxStore.NewRequest group(String cmid) {
        return new OutboxStore.NewRequest(cmid, MESH, "team", "group", "*", "group", "next", null, null, "f".repeat(64),
                List.of(new OutboxStore.NewCopy(CAROL, "carol", "{}"), new OutboxStore.NewCopy(BOB, "bob", "{}")), null);
    }

    @Test
    void concurrentAcceptsInsertEveryIdOnceAndAnswerEachCallerAfterTheCommit() throws Exception {
        try (OutboxStore s = new OutboxStore(tmp.resolve("outbox.db"))) {
            int threads = 8;
            int perThread = 150;
            AtomicInteger inserted = new AtomicInteger();
            ConcurrentHashMap<String, Integer> insertedBy = new ConcurrentHashMap<>();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int me = t;
                done.add(pool.submit(() -> {
                    // A second connection sees only what is committed.
                    try (java.sql.Connection other = java.sql.DriverManager.getConnection("jdbc:sqlite:" + tmp.resolve("outbox.db"));
                         java.sql.PreparedStatement q = other.prepareStatement("SELECT COUNT(*) FROM outbox WHERE client_message_id = ?")) {
                        for (int i = 0; i < perThread; i++) {
                            // Every id is accepted by two threads: exactly one of them inserts it.
                            String id = "c-" + ((me / 2) * perThread + i);
                            OutboxStore.Accepted a = s.accept(dm(id), 1_000);
                            assertEquals(id, a.row().clientMessageId());
                            assertEquals(1, a.row().copies().size());
                            // Committed before the answer: another connection sees it at once.
                            q.setString(1, id);
                            try (java.sql.ResultSet rs = q.executeQuery()) {
                                assertTrue(rs.next() && rs.getInt(1) == 1, id + " is committed when accept returns");
                            }
                            if (a.inserted()) {
                                inserted.incrementAndGet();
                                assertNull(insertedBy.putIfAbsent(id, me), id + " inserted twice");
                                assertEquals(OutboxStore.State.PENDING, a.row().state());
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) f.get();
            pool.shutdown();
            assertEquals(threads / 2 * perThread, inserted.get(), "each id inserted once");
            assertEquals((long) threads / 2 * perThread, s.counts().get("pending"));
        }
    }

    @Test
    void aBatchKeepsItsOrderAndARepeatedIdIsItsDuplicate() {
        try (OutboxStore s = new OutboxStore(tmp.resolve("outbox.db"))) {
            List<OutboxStore.Accepted> r = s.accept(List.of(dm("b-1"), dm("b-2"), dm("b-1"), group("b-3")), 1_000);
            assertTrue(r.get(0).inserted());
            assertTrue(r.get(1).inserted());
            assertFalse(r.get(2).inserted(), "the second b-1 is a duplicate of the first");
            assertEquals(r.get(0).row().id(), r.get(2).row().id());
            assertTrue(r.get(0).row().id() < r.get(1).row().id() && r.get(1).row().id() < r.get(3).row().id(), "ids in batch order");
            // The answer built from the inserted row is the row as read back.
            assertEquals(s.find("b-3"), r.get(3).row());
            assertEquals(List.of("bob", "carol"), r.get(3).row().copies().stream().map(OutboxStore.Copy::recipientName).toList());
            // The drain claims them oldest first, in that order.
            assertEquals(List.of("b-1", "b-2", "b-3", "b-3"),
                    s.claimDue(MESH, 2_000, 10).stream().map(OutboxStore.Copy::clientMessageId).toList());
        }
    }

    @Test
    void groupedDoneAndTheAggregateFollowTheCopies() {
        try (OutboxStore s = new OutboxStore(tmp.resolve("outbox.db"))) {
            s.accept(List.of(dm("a-1"), group("a-2")), 1_000);
            List<OutboxStore.Copy> claimed = s.claimDue(MESH, 2_000, 10);
            assertEquals(OutboxStore.State.INFLIGHT, s.find("a-2").state());
            assertEquals(1, s.find("a-2").attempts());
            OutboxStore.Copy bobsGroupCopy = claimed.stream().filter(c -> c.clientMessageId().equals("a-2") && c.recipientPubkey().equals(BOB))
                    .findFirst().orElseThrow();
            OutboxStore.Copy carolsGroupCopy = claimed.stream().filter(c -> c.clientMessageId().equals("a-2") && c.recipientPubkey().equals(CAROL))
                    .findFirst().orElseThrow();
            OutboxStore.Copy dmCopy = claimed.stream().filter(c -> c.clientMessageId().equals("a-1")).findFirst().orElseThrow();
            // One transaction: the dm and bob's copy of the group message are done; carol's fails retryably.
            s.markDone(List.of(new OutboxStore.Done(dmCopy.outboxId(), BOB, "msg_1", "accepted"),
                    new OutboxStore.Done(bobsGroupCopy.outboxId(), BOB, "p2p:" + "0".repeat(32) + ":7", "delivered")), 3_000);
            s.markRetry(carolsGroupCopy.outboxId(), CAROL, "timeout: no answer", 9_000, 3_000);
            OutboxStore.Request dmRow = s.find("a-1");
            assertEquals(OutboxStore.State.DONE, dmRow.state());
            assertEquals(3_000L, dmRow.doneAt());
            assertEquals("accepted", dmRow.delivery());
            OutboxStore.Request g = s.find("a-2");
            assertEquals(OutboxStore.State.PENDING, g.state(), "one copy still pending");
            assertEquals(9_000L, g.nextAttemptAt(), "the pending copy's due time");
            assertEquals("timeout: no answer", g.lastError());
            assertNull(g.doneAt());
            // Carol's copy is refused for good: the request is dead, with her error.
            s.claimDue(MESH, 9_000, 10);
            s.markDead(carolsGroupCopy.outboxId(), CAROL, "not_member: gone", 9_500);
            g = s.find("a-2");
            assertEquals(OutboxStore.State.DEAD, g.state());
            assertEquals("not_member: gone", g.lastError());
            assertEquals(2, g.attempts(), "the copies' maximum");
        }
    }

    static final String DAVE = "da".repeat(32);

    static OutboxStore.NewRequest groupOfThree(String cmid) {
        return new OutboxStore.NewRequest(cmid, MESH, "team", "group", "*", "group", "next", null, null, "e".repeat(64),
                List.of(new OutboxStore.NewCopy(CAROL, "carol", "{}"), new OutboxStore.NewCopy(BOB, "bob", "{}"),
                        new OutboxStore.NewCopy(DAVE, "dave", "{}")), null);
    }

    /**
     * The batched transitions (one claim, one done and one aggregate statement per batch) give what the per-copy ones
     * gave: only pending copies are claimed, a done naming a copy that is not inflight changes nothing, any text in a
     * message id survives the batch's encoding, and the aggregate's error is a dead copy's before a pending one's, then
     * the lowest recipient key's; aborted stays aborted.
     */
    @Test
    void batchedTransitionsKeepThePerCopyRules() {
        try (OutboxStore s = new OutboxStore(tmp.resolve("outbox.db"))) {
            s.accept(List.of(groupOfThree("t-1"), dm("t-2"), dm("t-3")), 1_000);
            List<OutboxStore.Copy> first = s.claimDue(MESH, 2_000, 3);
            assertEquals(3, first.size());
            assertTrue(first.stream().allMatch(c -> c.state() == OutboxStore.State.INFLIGHT && c.attempts() == 1));
            // A second claim takes only what is still pending.
            List<OutboxStore.Copy> second = s.claimDue(MESH, 2_000, 10);
            assertEquals(List.of("t-2", "t-3"), second.stream().map(OutboxStore.Copy::clientMessageId).toList());
            assertTrue(s.claimDue(MESH, 2_000, 10).isEmpty(), "nothing pending is left");
            long t1 = first.get(0).outboxId();
            long t2 = second.get(0).outboxId();
            long t3 = second.get(1).outboxId();
            String odd = "m\"q\\u00e9\u00e9 ,]";
            s.markDone(List.of(new OutboxStore.Done(t2, BOB, odd, "accepted"),
                    new OutboxStore.Done(t2, CAROL, "msg_not_a_copy", "accepted"),
                    new OutboxStore.Done(t3, BOB, "p2p:x:1", "delivered")), 3_000);
            assertEquals(odd, s.find("t-2").copies().get(0).messageId());
            assertEquals("accepted", s.find("t-2").delivery());
            assertEquals(1, s.find("t-2").copies().size(), "a done for a copy that does not exist adds nothing");
            assertEquals("delivered", s.find("t-3").delivery());
            assertEquals(3_000L, s.find("t-3").copies().get(0).deliveredAt());
            // Done again (a late duplicate answer): the copy is not inflight, nothing changes.
            s.markDone(List.of(new OutboxStore.Done(t2, BOB, "msg_other", "duplicate")), 4_000);
            assertEquals(odd, s.find("t-2").copies().get(0).messageId());
            assertEquals(3_000L, s.find("t-2").doneAt());
            // t-1: dave retries, bob and carol die; the dead error of the lowest key wins over dave's pending one.
            s.markRetry(t1, DAVE, "timeout: dave", 8_000, 5_000);
            OutboxStore.Request g = s.find("t-1");
            assertEquals(OutboxStore.State.INFLIGHT, g.state());
            assertEquals("timeout: dave", g.lastError());
            s.markDead(t1, CAROL, "not_member: carol", 5_000);
            assertEquals("not_member: carol", s.find("t-1").lastError(), "a dead copy's error before a pending one's");
            s.markDead(t1, BOB, "not_member: bob", 5_000);
            g = s.find("t-1");
            assertEquals(OutboxStore.State.PENDING, g.state(), "dave's copy is still pending");
            assertEquals(8_000L, g.nextAttemptAt());
            assertEquals("not_member: bob", g.lastError(), "between dead copies, the lowest recipient key's (b0… < ca…)");
            s.abort("t-1", "test", 6_000);
            s.markDone(List.of(new OutboxStore.Done(t1, DAVE, "late", "accepted")), 7_000);
            assertEquals(OutboxStore.State.ABORTED, s.find("t-1").state(), "aborted is sticky");
        }
    }
}
