package dev.meshwire.peer.inbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite inbox: idempotent on (mesh, sender, clientMessageId), ordered, seen marking, 0600. */
class InboxTest {
    @TempDir
    Path tmp;

    private static InboxMessage msg(String sender, String cmid, String text, String messageId) {
        return new InboxMessage(0, "m_1", "demo", sender, "alice", cmid, messageId, "dm", "next", text,
                "coordinator relay", 1000L, System.currentTimeMillis(), null);
    }

    @Test
    void duplicateDeliveryIsStoredOnce() {
        try (Inbox inbox = new Inbox(tmp.resolve("inbox.db"))) {
            assertNotNull(inbox.insert(msg("aa", "c1", "hello", "q1")));
            // same message redelivered by the coordinator under a new delivery id
            assertNull(inbox.insert(msg("aa", "c1", "hello", "q2")));
            List<InboxMessage> all = inbox.list(null, 10, false);
            assertEquals(1, all.size());
            assertEquals("hello", all.get(0).text());
            assertEquals("q1", all.get(0).messageId());
        }
    }

    @Test
    void aBroadcastToTheMemberAndItsSessionsIsStoredOncePerRecipientAndListedByRecipient() {
        try (Inbox inbox = new Inbox(tmp.resolve("inbox.db"))) {
            assertNotNull(inbox.insert(msg("aa", "c1", "to all", "q1")));
            InboxMessage forSession = new InboxMessage(0, "m_1", "demo", "aa", "alice", "c1", "q2", "group", "next", "to all",
                    "coordinator relay", 1000L, System.currentTimeMillis(), null, "s1");
            assertNotNull(inbox.insert(forSession), "the session's copy is another row");
            assertNull(inbox.insert(forSession), "and is deduped like any other");
            assertEquals(List.of("q1"), inbox.list(null, 10, false).stream().map(InboxMessage::messageId).toList());
            List<InboxMessage> mine = inbox.list(null, "s1", 10, false, true);
            assertEquals(List.of("q2"), mine.stream().map(InboxMessage::messageId).toList());
            assertEquals("s1", mine.get(0).session());
            assertEquals(0, inbox.unreadCountForSession("s1"));
        }
    }

    @Test
    void aVersionOneInboxIsMigratedWithItsRows() throws Exception {
        Path db = tmp.resolve("v1.db");
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db);
             java.sql.Statement st = c.createStatement()) {
            st.execute("CREATE TABLE inbox (id INTEGER PRIMARY KEY AUTOINCREMENT, mesh_id TEXT NOT NULL, mesh_name TEXT NOT NULL, "
                    + "sender_pubkey TEXT NOT NULL, sender_name TEXT, client_message_id TEXT NOT NULL, message_id TEXT, channel TEXT NOT NULL, "
                    + "priority TEXT NOT NULL, body TEXT NOT NULL, path TEXT NOT NULL, sent_at INTEGER, received_at INTEGER NOT NULL, "
                    + "seen_at INTEGER, UNIQUE (mesh_id, sender_pubkey, client_message_id))");
            st.execute("INSERT INTO inbox (mesh_id, mesh_name, sender_pubkey, client_message_id, channel, priority, body, path, received_at) "
                    + "VALUES ('m_1', 'demo', 'aa', 'old', 'dm', 'next', 'from before', 'coordinator relay', 5)");
            st.execute("PRAGMA user_version = 1");
        }
        try (Inbox inbox = new Inbox(db)) {
            List<InboxMessage> rows = inbox.list(null, 10, false);
            assertEquals(List.of("from before"), rows.stream().map(InboxMessage::text).toList());
            assertNull(rows.get(0).session());
            assertNull(inbox.insert(msg("aa", "old", "from before", "q9")), "the old row still dedupes");
            assertNotNull(inbox.insert(msg("aa", "new", "after", "q10")));
        }
    }

    @Test
    void sameClientIdFromAnotherSenderOrMeshIsADifferentMessage() {
        try (Inbox inbox = new Inbox(tmp.resolve("inbox.db"))) {
            assertNotNull(inbox.insert(msg("aa", "c1", "one", "q1")));
            assertNotNull(inbox.insert(msg("bb", "c1", "two", "q2")));
            InboxMessage otherMesh = new InboxMessage(0, "m_2", "other", "aa", "alice", "c1", "q3", "dm", "now", "three",
                    "coordinator relay", null, System.currentTimeMillis(), null);
            assertNotNull(inbox.insert(otherMesh));
            assertEquals(3, inbox.count());
            assertEquals(List.of("one", "two", "three"), inbox.list(null, 10, false).stream().map(InboxMessage::text).toList());
            assertEquals(List.of("three"), inbox.list("other", 10, false).stream().map(InboxMessage::text).toList());
        }
    }

    @Test
    void survivesReopenAndMarksSeen() throws Exception {
        Path db = tmp.resolve("inbox.db");
        try (Inbox inbox = new Inbox(db)) {
            inbox.insert(msg("aa", "c1", "hello", "q1"));
            assertNull(inbox.list(null, 10, true).get(0).seenAt());
        }
        try (Inbox inbox = new Inbox(db)) {
            assertNull(inbox.insert(msg("aa", "c1", "hello", "q9")));
            InboxMessage m = inbox.list(null, 10, false).get(0);
            assertNotNull(m.seenAt());
            assertEquals(1000L, m.sentAt());
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(db)));
    }

    @Test
    void limitReturnsTheNewestInReadingOrder() {
        try (Inbox inbox = new Inbox(tmp.resolve("inbox.db"))) {
            for (int i = 0; i < 5; i++) inbox.insert(msg("aa", "c" + i, "m" + i, "q" + i));
            assertEquals(List.of("m3", "m4"), inbox.list(null, 2, false).stream().map(InboxMessage::text).toList());
        }
    }

    @Test
    void unreadListingMarksExactlyWhatItReturnedAndPeekMarksNothing() {
        try (Inbox inbox = new Inbox(tmp.resolve("inbox.db"))) {
            for (int i = 0; i < 4; i++) inbox.insert(msg("aa", "c" + i, "m" + i, "q" + i));
            InboxMessage otherMesh = new InboxMessage(0, "m_2", "other", "aa", "alice", "o1", "q9", "dm", "now", "elsewhere",
                    "coordinator relay", null, System.currentTimeMillis(), null);
            inbox.insert(otherMesh);
            assertEquals(5, inbox.unreadCount(null));
            // peek: nothing changes
            assertEquals(4, inbox.list("demo", 10, true, false).size());
            assertEquals(5, inbox.unreadCount(null));
            // the newest two of mesh demo are shown and marked; the other mesh's row is untouched
            assertEquals(List.of("m2", "m3"), inbox.list("demo", 2, true, true).stream().map(InboxMessage::text).toList());
            assertEquals(List.of("m0", "m1"), inbox.list("demo", 10, true, false).stream().map(InboxMessage::text).toList());
            assertEquals(1, inbox.unreadCount("other"));
            // a second unread listing never shows m2/m3 again
            assertEquals(List.of("m0", "m1"), inbox.list("demo", 10, true, true).stream().map(InboxMessage::text).toList());
            assertEquals(0, inbox.list("demo", 10, true, true).size());
        }
    }

    @Test
    void flushDeletesSeenOnlyUnlessAllAndDeleteRemovesOneRow() {
        try (Inbox inbox = new Inbox(tmp.resolve("inbox.db"))) {
            for (int i = 0; i < 3; i++) inbox.insert(msg("aa", "c" + i, "m" + i, "q" + i));
            inbox.list(null, 1, true, true); // shows (and marks) m2
            assertEquals(1, inbox.flush(null, false));
            assertEquals(List.of("m0", "m1"), inbox.list(null, 10, false).stream().map(InboxMessage::text).toList());
            long id = inbox.list(null, 10, false).get(0).id();
            assertTrue(inbox.delete(id));
            assertFalse(inbox.delete(id));
            assertEquals(1, inbox.flush(null, true));
            assertEquals(0, inbox.count());
            // a deleted message redelivered later is a new row again: deletion is the user's choice
        }
    }

    @Test
    void pruneDeletesRowsReceivedBeforeTheCutoff() {
        try (Inbox inbox = new Inbox(tmp.resolve("inbox.db"))) {
            long now = System.currentTimeMillis();
            inbox.insert(new InboxMessage(0, "m_1", "demo", "aa", "alice", "old", "q1", "dm", "next", "old", "coordinator relay",
                    null, now - 31L * 86_400_000, null));
            inbox.insert(msg("aa", "new", "new", "q2"));
            assertEquals(1, inbox.pruneBefore(now - 30L * 86_400_000));
            assertEquals(List.of("new"), inbox.list(null, 10, false).stream().map(InboxMessage::text).toList());
        }
    }
}
