package dev.meshwire.peer.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outbox on a "full disk", for real: {@code PRAGMA max_page_count} on the store's own connection (the limit is per
 * connection) set to the file's current size, so the next write that needs a new page fails with SQLITE_FULL ("database
 * or disk is full"). A single-row {@code INSERT} (the accept's) that fails so makes SQLite roll the whole transaction
 * back by itself (https://www.sqlite.org/lang_transaction.html "Response To Errors Within A Transaction"): the wrapper's
 * own ROLLBACK then fails with "no transaction is active" — this test checks that it did (the case it is about), that the
 * caller still gets the real cause, that nothing partial is left, and that the outbox works again once there is room
 * (also when the failed statement was a cached one, which sqlite-jdbc finalizes on such an error).
 */
class OutboxDiskFullTest {
    static final String MESH = OutboxGroupCommitTest.MESH;
    @TempDir
    Path tmp;

    /** A group send to {@code n} recipients whose envelopes need many new pages (overflow pages of ~16 KiB each). */
    static OutboxStore.NewRequest big(String cmid, int n) {
        List<OutboxStore.NewCopy> copies = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String key = String.format("%02x", i + 1).repeat(32);
            copies.add(new OutboxStore.NewCopy(key, "r" + i, "{\"id\":\"" + cmid + "\",\"ct\":\"" + "x".repeat(16_000) + "\"}"));
        }
        return new OutboxStore.NewRequest(cmid, MESH, "team", "group", "*", "group", "next", null, null, "b".repeat(64), copies, null);
    }

    /** A dm whose request row itself needs new pages (a large meta): the accept's first statement is the one that fails. */
    static OutboxStore.NewRequest bigRow(String cmid) {
        return new OutboxStore.NewRequest(cmid, MESH, "team", "dm", OutboxGroupCommitTest.BOB, "dm", "next", null,
                "{\"note\":\"" + "m".repeat(40_000) + "\"}", "c".repeat(64),
                List.of(new OutboxStore.NewCopy(OutboxGroupCommitTest.BOB, "bob", "{\"id\":\"" + cmid + "\"}")), null);
    }

    @Test
    void aFullDiskRefusesTheSendWithItsCauseLeavesNothingPartialAndTheSendWorksOnceThereIsRoom() throws Exception {
        Path db = tmp.resolve("outbox.db");
        try (OutboxStore s = new OutboxStore(db); Connection other = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            OutboxStore.Accepted before = s.accept(OutboxGroupCommitTest.dm("before-1"), 1_000);
            assertTrue(before.inserted());

            // The disk is "full": no page beyond the ones the file has.
            long pages = s.pragmaForTest("PRAGMA page_count");
            assertEquals(pages, s.pragmaForTest("PRAGMA max_page_count = " + pages));

            // 1. A lone accept: refused with the real cause, not "cannot rollback".
            IllegalStateException alone = assertThrows(IllegalStateException.class, () -> s.accept(big("big-1", 6), 2_000));
            assertFullNotRollback(alone);
            assertTrue(selfRolledBack(alone), "SQLite rolled the accept's transaction back by itself (our ROLLBACK found none): "
                    + Arrays.toString(alone.getCause().getSuppressed()));

            // 2. The group commit: a batch of a small and a big send fails as one transaction, then each is tried alone
            // on the same connection; the big one is refused with the cause, whatever the small one's fate.
            IllegalStateException grouped = assertThrows(IllegalStateException.class,
                    () -> s.accept(List.of(OutboxGroupCommitTest.dm("small-1"), big("big-2", 6)), 2_000));
            assertFullNotRollback(grouped);

            // 3. The request row's own insert (the accept's first statement, a cached one) fails: sqlite-jdbc finalizes a
            // statement that failed so, and the store must not keep using it ("statement is not executing") afterwards.
            IllegalStateException rowFull = assertThrows(IllegalStateException.class, () -> s.accept(bigRow("big-3"), 2_000));
            assertFullNotRollback(rowFull);
            // (That insert has RETURNING, so SQLite compiles it with a statement journal and rolls back only the statement
            // on SQLITE_FULL; the transaction stays and the store's ROLLBACK ends it. Plain single-row inserts, like the
            // copies' above, make SQLite roll back the whole transaction.)

            // Nothing partial: no request without all its copies, no copy without its request, the big ones absent.
            assertEquals(0, count(other, "SELECT COUNT(*) FROM outbox WHERE client_message_id IN ('big-1','big-2','big-3')"));
            assertEquals(0, count(other, "SELECT COUNT(*) FROM outbox_copy c WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.id = c.outbox_id)"));
            assertEquals(0, count(other, "SELECT COUNT(*) FROM outbox o WHERE NOT EXISTS (SELECT 1 FROM outbox_copy c WHERE c.outbox_id = o.id)"));
            assertEquals(1, count(other, "SELECT COUNT(*) FROM outbox WHERE client_message_id = 'before-1'"));
            assertEquals(null, s.find("big-1"));
            // Still full: the same send is refused again the same way (the connection is usable after the self-rollback).
            assertFullNotRollback(assertThrows(IllegalStateException.class, () -> s.accept(big("big-1", 6), 3_000)));

            // Room again: the same sends are accepted, whole.
            s.pragmaForTest("PRAGMA max_page_count = 1073741823");
            OutboxStore.Accepted retried = s.accept(big("big-1", 6), 4_000);
            assertTrue(retried.inserted(), "the id refused while full was not consumed");
            assertEquals(6, retried.row().copies().size());
            List<OutboxStore.Accepted> group = s.accept(List.of(OutboxGroupCommitTest.dm("small-1"), big("big-2", 6)), 4_000);
            assertTrue(group.get(1).inserted());
            assertEquals(s.find("big-2"), group.get(1).row());
            assertTrue(s.accept(bigRow("big-3"), 4_000).inserted(), "the request whose own row did not fit is accepted now");
            assertEquals(6, count(other, "SELECT COUNT(*) FROM outbox_copy c JOIN outbox o ON o.id = c.outbox_id WHERE o.client_message_id = 'big-1'"));
            // The request accepted before the failure is there exactly once, untouched.
            assertEquals(1, count(other, "SELECT COUNT(*) FROM outbox WHERE client_message_id = 'before-1'"));
            assertEquals(before.row(), s.find("before-1"));
            OutboxStore.Accepted again = s.accept(OutboxGroupCommitTest.dm("before-1"), 5_000);
            assertFalse(again.inserted(), "a retry of the earlier send is its duplicate");
            assertEquals(before.row().id(), again.row().id());

            // The drain takes them all as usual: claimed once each, done, and the requests are done.
            List<OutboxStore.Copy> claimed = s.claimDue(MESH, 6_000, 100);
            assertEquals(1 + 6 + 1 + 6 + 1, claimed.size(), "before-1, big-1's six copies, small-1, big-2's six copies, big-3");
            List<OutboxStore.Done> done = new ArrayList<>();
            for (OutboxStore.Copy c : claimed) {
                done.add(new OutboxStore.Done(c.outboxId(), c.recipientPubkey(), "msg_" + c.outboxId() + "_" + c.recipientName(), "accepted"));
            }
            s.markDone(done, 7_000);
            for (String id : List.of("before-1", "big-1", "small-1", "big-2", "big-3")) {
                assertEquals(OutboxStore.State.DONE, s.find(id).state(), id);
                assertEquals(OutboxStore.ACCEPTED, s.find(id).delivery(), id);
            }
            assertTrue(s.claimDue(MESH, 8_000, 100).isEmpty(), "nothing left to drain");
            assertEquals(5L, s.counts().get("done"));
        }
    }

    /** The caller's error names the real cause (SQLITE_FULL), not the failed ROLLBACK after it. */
    static void assertFullNotRollback(IllegalStateException e) {
        assertTrue(e.getMessage().contains("database or disk is full"), "names the cause: " + e.getMessage());
        assertFalse(e.getMessage().contains("cannot rollback"), e.getMessage());
        assertFalse(e.getMessage().contains("no transaction is active"), e.getMessage());
    }

    /** True when the wrapper's ROLLBACK found no transaction: SQLite had rolled it back itself. */
    static boolean selfRolledBack(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            for (Throwable s : t.getSuppressed()) {
                if (String.valueOf(s.getMessage()).contains("no transaction is active")) return true;
            }
        }
        return false;
    }

    private static long count(Connection c, String sql) throws Exception {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
