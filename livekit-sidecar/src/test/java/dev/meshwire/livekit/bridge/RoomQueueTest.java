package dev.meshwire.livekit.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.peer.home.MeshwireHome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The side-car's room → mesh queue on a real SQLite file: order, idempotence, the bound, reopening, file modes. */
class RoomQueueTest {
    @TempDir
    Path tmp;

    @Test
    void rowsSurviveReopeningInOrderOncePerIdAndPrivate() throws Exception {
        Path file = RoomQueue.fileFor(MeshwireHome.at(tmp.resolve("home")), "team", "livekit");
        assertEquals(tmp.resolve("home/sidecar/livekit-team-livekit.db"), file);
        try (RoomQueue q = RoomQueue.open(file, 3)) {
            assertTrue(q.add("lk-a", "bob", "[lk:carol] one"));
            assertTrue(q.add("lk-b", "*", "[lk:carol] two"));
            assertTrue(q.add("lk-a", "bob", "[lk:carol] one"), "a replay of a queued id is accepted");
            assertEquals(2, q.size(), "and stored once");
            assertTrue(q.add("lk-c", "bob", "[lk:carol] three"));
            assertFalse(q.add("lk-d", "bob", "[lk:carol] four"), "full at 3");
            q.remove(q.head(1).get(0).seq());
        }
        // What a crashed or stopped side-car left is there for the next one, oldest first.
        try (RoomQueue q = RoomQueue.open(file, 3)) {
            List<RoomQueue.Row> rows = q.head(10);
            assertEquals(List.of("[lk:carol] two", "[lk:carol] three"), rows.stream().map(RoomQueue.Row::text).toList());
            assertEquals("*", rows.get(0).target());
            assertEquals("lk-b", rows.get(0).clientMessageId());
            assertEquals(2, q.size());
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
    }

    @Test
    void oneSidecarPerQueueAndAReaderBesideIt() {
        Path file = tmp.resolve("q.db");
        try (RoomQueue q = RoomQueue.open(file, 10)) {
            q.add("lk-1", "bob", "[lk:carol] hi");
            BridgeException e = org.junit.jupiter.api.Assertions.assertThrows(BridgeException.class, () -> RoomQueue.open(file, 10));
            assertEquals("another side-car is already running with the queue " + file + " (same mesh and service on this home)", e.getMessage());
            assertEquals(List.of("[lk:carol] hi"), RoomQueue.read(file).stream().map(RoomQueue.Row::text).toList(), "a reader needs no lock");
        }
        try (RoomQueue again = RoomQueue.open(file, 10)) {
            assertEquals(1, again.size(), "released on close");
        }
        assertEquals(List.of(), RoomQueue.read(tmp.resolve("absent.db")));
    }

    @Test
    void aMeshNotGivenByItsNameIsHashedIntoTheFileName() {
        Path f = RoomQueue.fileFor(MeshwireHome.at(tmp), "m_0123/../x", "livekit");
        assertEquals(tmp.resolve("sidecar"), f.getParent());
        assertTrue(f.getFileName().toString().matches("livekit-[0-9a-f]{16}-livekit\\.db"), f.toString());
    }

    @Test
    void anUnopenableQueueIsAOneLineError() throws Exception {
        Path notADir = tmp.resolve("file");
        Files.writeString(notADir, "x");
        BridgeException e = org.junit.jupiter.api.Assertions.assertThrows(BridgeException.class,
                () -> RoomQueue.open(notADir.resolve("q.db"), 10));
        assertTrue(e.getMessage().startsWith("cannot open the side-car queue " + notADir.resolve("q.db")), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }
}
