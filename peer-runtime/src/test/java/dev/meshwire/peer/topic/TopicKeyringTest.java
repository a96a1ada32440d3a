package dev.meshwire.peer.topic;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon's topic keyring (docs/storage.md "Topic keyring"): private file, keys per epoch kept, waiting posts, reopen. */
class TopicKeyringTest {
    @TempDir
    Path tmp;

    @Test
    void keepsEveryEpochPrivatelyAndSurvivesAReopen() throws Exception {
        Path db = tmp.resolve("topics.db");
        byte[] k1 = new byte[32], k2 = new byte[32];
        k2[0] = 1;
        try (TopicKeyring k = new TopicKeyring(db)) {
            assertTrue(k.put("m", "general", 1, k1, "c1"));
            assertFalse(k.put("m", "general", 1, k2, "other"), "an epoch's key is written once");
            assertTrue(k.put("m", "general", 2, k2, "c2"));
            assertTrue(k.park(new TopicKeyring.Waiting(0, "m", "general", 3, "s", "cm-1", "msg_1", "coordinator relay", "{}")));
            assertFalse(k.park(new TopicKeyring.Waiting(0, "m", "general", 3, "s", "cm-1", "msg_1", "coordinator relay", "{}")),
                    "a redelivered post waits once");
        }
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(db));
        try (TopicKeyring k = new TopicKeyring(db)) {
            assertArrayEquals(k1, k.key("m", "general", 1).orElseThrow(), "epoch 1 is kept after epoch 2 arrived");
            assertArrayEquals(k2, k.key("m", "general", 2).orElseThrow());
            assertEquals("c2", k.keyCheck("m", "general", 2).orElseThrow());
            List<TopicKeyring.Waiting> w = k.waiting("m", "general");
            assertEquals(1, w.size());
            assertEquals(3, w.get(0).epoch());
            k.settled(w.get(0).id());
            assertTrue(k.waiting("m", "general").isEmpty());
            k.forget("m", "general");
            assertTrue(k.key("m", "general", 1).isEmpty());
        }
    }
}
