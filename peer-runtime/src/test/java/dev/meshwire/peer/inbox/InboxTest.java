package dev.meshwire.peer.inbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
