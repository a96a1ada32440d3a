package dev.meshwire.peer.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.peer.home.MeshwireHome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #17 item 4, daemon side: the home and daemon directories are 0700; the outbox, inbox and
 * mesh-state databases and their -wal/-shm are 0600 while the daemon writes them, also when an
 * older release (or a crash) left them wider.
 */
class DaemonHomeModesTest {
    @TempDir
    Path tmp;

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    private static List<Path> databases(MeshwireHome h) {
        return List.of(h.outboxDb(), h.inboxDb(), h.meshStateDb());
    }

    private static void assertPrivate(MeshwireHome h) throws Exception {
        assertEquals("rwx------", mode(h.root()), "home");
        assertEquals("rwx------", mode(h.daemonDir()), "daemon dir");
        assertEquals("rwx------", mode(h.meshesDir()), "meshes dir");
        for (Path db : databases(h)) {
            for (String suffix : new String[] {"", "-wal", "-shm"}) {
                Path f = db.resolveSibling(db.getFileName() + suffix);
                assertTrue(Files.exists(f), f + " exists while the daemon runs");
                assertEquals("rw-------", mode(f), f.toString());
            }
        }
        for (Path f : List.of(h.tokenFile(), h.portFile(), h.pidFile(), h.lockFile())) assertEquals("rw-------", mode(f), f.toString());
    }

    @Test
    void homeDatabasesAndTheirWalAndShmArePrivate() throws Exception {
        Path root = tmp.resolve("home");
        MeshwireHome h = MeshwireHome.at(root);
        byte[] wal;
        Daemon d = Daemon.start(DaemonOptions.of(root));
        try {
            assertPrivate(h);
            wal = Files.readAllBytes(h.outboxDb().resolveSibling("outbox.db-wal"));
        } finally {
            d.close();
        }
        assertTrue(wal.length > 0, "the outbox WAL had frames");

        // An older release, a restore from backup or a crash leaves them wider: 0755 dirs, 0644 files,
        // and a non-empty -wal (SQLite only fixes the mode of the -wal/-shm files it creates itself).
        for (Path dir : List.of(h.root(), h.daemonDir(), h.meshesDir())) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        for (Path db : databases(h)) Files.setPosixFilePermissions(db, PosixFilePermissions.fromString("rw-r--r--"));
        Path staleWal = h.outboxDb().resolveSibling("outbox.db-wal");
        Files.write(staleWal, wal);
        Files.setPosixFilePermissions(staleWal, PosixFilePermissions.fromString("rw-r--r--"));
        Files.writeString(h.logFile(), "old log line\n");
        Files.setPosixFilePermissions(h.logFile(), PosixFilePermissions.fromString("rw-r--r--"));

        d = Daemon.start(DaemonOptions.of(root));
        try {
            assertPrivate(h);
            assertEquals("rw-------", mode(h.logFile()), "daemon.log");
        } finally {
            d.close();
        }
    }
}
