package dev.meshwire.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

/** Issue #17 item 4: the data directory is 0700 and the database (with -wal, -shm) and admin token 0600. */
class DataDirModesTest {

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    private static void assertPrivate(Path dir) throws Exception {
        assertEquals("rwx------", mode(dir), "data directory " + dir);
        Path db = dir.resolve(Coordinator.DB_FILE);
        for (String f : new String[] {Coordinator.DB_FILE, Coordinator.DB_FILE + "-wal", Coordinator.DB_FILE + "-shm",
                AdminToken.FILE}) {
            Path p = dir.resolve(f);
            assertTrue(Files.exists(p), p + " exists after writes");
            assertEquals("rw-------", mode(p), p.toString());
        }
        assertTrue(Files.size(db.resolveSibling(Coordinator.DB_FILE + "-wal")) > 0 || Files.size(db) > 0);
    }

    @Test
    void newDataDirectoryAndFilesArePrivate() throws Exception {
        Path parent = Files.createTempDirectory("mw-modes");
        Path data = parent.resolve("data"); // created by the coordinator, not by the test
        try (CoordinatorFixture fx = new CoordinatorFixture(c -> c.toBuilder().dataDir(data).build())) {
            Meshes.create(fx, "modes"); // writes members, keys and events
            assertPrivate(data);
        }
    }

    @Test
    void looserExistingDirectoryAndFilesAreTightenedAtStart() throws Exception {
        Path parent = Files.createTempDirectory("mw-modes");
        Path data = parent.resolve("data");
        Files.createDirectory(data);
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        // An older release left a world-readable database (with its WAL) and token.
        try (CoordinatorFixture fx = new CoordinatorFixture(c -> c.toBuilder().dataDir(data).build())) {
            Meshes.create(fx, "old");
        }
        for (String f : new String[] {Coordinator.DB_FILE, Coordinator.DB_FILE + "-wal", Coordinator.DB_FILE + "-shm",
                AdminToken.FILE}) {
            Path p = data.resolve(f);
            if (!Files.exists(p)) Files.createFile(p);
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
        }
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (CoordinatorFixture fx = new CoordinatorFixture(c -> c.toBuilder().dataDir(data).build())) {
            Meshes.create(fx, "again");
            assertPrivate(data);
        }
    }
}
