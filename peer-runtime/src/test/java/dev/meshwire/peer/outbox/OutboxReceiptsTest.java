package dev.meshwire.peer.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outbox's half of delivery receipts, on a real SQLite file: a receipt marks exactly the copy it names (mesh,
 * recipient, client message id), also before the coordinator's ack was recorded; the first one wins; a direct ack is
 * a delivery by itself; and a version-1 outbox gains the column without losing rows.
 */
class OutboxReceiptsTest {
    static final String MESH = "m_0123456789abcdef";
    static final String BOB = "b0".repeat(32);
    static final String CAROL = "ca".repeat(32);
    @TempDir
    Path tmp;

    static OutboxStore.NewRequest group(String cmid) {
        return new OutboxStore.NewRequest(cmid, MESH, "team", "group", "*", "group", "next", null, null, "f".repeat(64),
                List.of(new OutboxStore.NewCopy(BOB, "bob", "{}"), new OutboxStore.NewCopy(CAROL, "carol", "{}")), null);
    }

    @Test
    void aReceiptMarksOnlyTheCopyItNamesEvenBeforeTheAckAndTheFirstOneWins() {
        try (OutboxStore s = new OutboxStore(tmp.resolve("outbox.db"))) {
            s.accept(group("g-1"), 1_000);
            List<OutboxStore.Copy> claimed = s.claimDue(MESH, 2_000, 10);
            assertEquals(2, claimed.size());
            // bob's receipt overtakes the coordinator's ack of his copy: it still counts.
            assertTrue(s.markDelivered(MESH, BOB, "g-1", 2_500).isPresent());
            assertEquals("inflight", copy(s, "g-1", BOB).delivery(), "not done yet: the state shows");
            for (OutboxStore.Copy c : claimed) s.markDone(c.outboxId(), c.recipientPubkey(), "msg_" + c.recipientPubkey().substring(0, 24), "accepted", 3_000);
            OutboxStore.Request r = s.find("g-1");
            assertEquals("delivered", copy(s, "g-1", BOB).delivery());
            assertEquals(2_500L, copy(s, "g-1", BOB).deliveredAt());
            assertEquals("accepted", copy(s, "g-1", CAROL).delivery(), "carol has not acked");
            assertEquals("accepted", r.delivery(), "a group message is delivered only when every copy is");
            assertNull(r.deliveredAt());

            assertTrue(s.markDelivered(MESH, BOB, "g-1", 9_999).isEmpty(), "a second receipt changes nothing");
            assertEquals(2_500L, copy(s, "g-1", BOB).deliveredAt());
            assertTrue(s.markDelivered("m_other", CAROL, "g-1", 4_000).isEmpty(), "another mesh's receipt names nothing here");
            assertTrue(s.markDelivered(MESH, CAROL, "nope", 4_000).isEmpty(), "an unknown id names nothing");
            assertEquals("accepted", copy(s, "g-1", CAROL).delivery());

            assertTrue(s.markDelivered(MESH, CAROL, "g-1", 4_000).isPresent());
            assertEquals("delivered", s.find("g-1").delivery());
            assertEquals(4_000L, s.find("g-1").deliveredAt(), "the last copy's time");
        }
    }

    @Test
    void aBatchOfReceiptsIsAppliedInOneGoAndReportsWhatItMarked() {
        try (OutboxStore s = new OutboxStore(tmp.resolve("outbox.db"))) {
            for (int i = 0; i < 50; i++) s.accept(group("b-" + i), 1_000);
            List<OutboxStore.ReceiptRef> refs = new java.util.ArrayList<>();
            for (int i = 0; i < 50; i++) refs.add(new OutboxStore.ReceiptRef(MESH, BOB, "b-" + i, 2_000 + i));
            refs.add(new OutboxStore.ReceiptRef(MESH, "dd".repeat(32), "b-0", 3_000)); // not a recipient of b-0
            refs.add(new OutboxStore.ReceiptRef(MESH, BOB, "b-0", 3_000)); // a repeat: the first one won
            List<OutboxStore.Marked> marked = s.markDelivered(refs);
            assertEquals(50, marked.size());
            assertTrue(marked.stream().allMatch(m -> "bob".equals(m.recipientName()) && m.receipt().recipient().equals(BOB)));
            assertEquals(2_000L, copy(s, "b-0", BOB).deliveredAt());
            assertEquals(2_049L, copy(s, "b-49", BOB).deliveredAt());
            assertNull(copy(s, "b-49", CAROL).deliveredAt());
        }
    }

    @Test
    void aDirectAckIsTheDeliveryItself() {
        try (OutboxStore s = new OutboxStore(tmp.resolve("outbox.db"))) {
            s.accept(new OutboxStore.NewRequest("d-1", MESH, "team", "dm", BOB, "dm", "next", null, null, "e".repeat(64),
                    List.of(new OutboxStore.NewCopy(BOB, "bob", "{}")), null), 1_000);
            OutboxStore.Copy c = s.claimDue(MESH, 2_000, 10).get(0);
            s.markDone(c.outboxId(), BOB, "p2p:" + "0".repeat(32) + ":1", "delivered", 3_000);
            assertEquals("delivered", s.find("d-1").delivery());
            assertEquals(3_000L, s.find("d-1").deliveredAt());
        }
    }

    @Test
    void aVersionOneOutboxIsMigratedWithItsRows() throws Exception {
        Path db = tmp.resolve("outbox.db");
        try (OutboxStore s = new OutboxStore(db)) {
            s.accept(group("old-1"), 1_000);
        }
        // Make it look like a version-1 file: no delivered_at column, user_version 1.
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            st.execute("ALTER TABLE outbox_copy DROP COLUMN delivered_at");
            st.execute("PRAGMA user_version = 1");
        }
        try (OutboxStore s = new OutboxStore(db)) {
            assertEquals(2, s.find("old-1").copies().size());
            assertEquals("pending", s.find("old-1").delivery());
            assertTrue(s.markDelivered(MESH, BOB, "old-1", 5_000).isPresent());
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("PRAGMA user_version")) {
            assertTrue(rs.next());
            assertEquals(OutboxStore.SCHEMA_VERSION, rs.getInt(1));
        }
    }

    static OutboxStore.Copy copy(OutboxStore s, String cmid, String recipient) {
        return s.find(cmid).copies().stream().filter(c -> c.recipientPubkey().equals(recipient)).findFirst().orElseThrow();
    }
}
