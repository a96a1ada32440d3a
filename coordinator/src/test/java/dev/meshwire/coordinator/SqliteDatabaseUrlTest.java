package dev.meshwire.coordinator;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.coordinator.store.SqliteFileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code --db jdbc:sqlite:...} URLs at start: an in-memory database opens (no file, no lock), and a file the coordinator
 * cannot create is refused with one line naming the database file, before any lock file is made.
 */
class SqliteDatabaseUrlTest {

    private static CoordinatorConfig config(Path dir, String dbUrl) {
        return CoordinatorConfig.defaults(dir).withListen("127.0.0.1", 0).withStunPort(-1).withDbUrl(dbUrl);
    }

    @Test
    void anInMemoryDatabaseStartsWithoutAFile() throws Exception {
        Path dir = Files.createTempDirectory("mw-db-url");
        for (String url : new String[] {"jdbc:sqlite::memory:", "jdbc:sqlite:file:mw-db-url-test?mode=memory"}) {
            try (Coordinator c = Coordinator.start(config(dir, url))) {
                assertTrue(StoreMeshes.await(c.store().schemaVersion()) > 0, url + ": migrated");
            }
        }
        for (String name : new String[] {"mw-db-url-test", ":memory:"}) { // what a file-like reading of the URLs would make
            assertFalse(Files.exists(Path.of(name)), name);
            assertFalse(Files.exists(SqliteFileLock.lockFileOf(Path.of(name))), name + ".lock");
        }
        assertFalse(Files.exists(dir.resolve(Coordinator.DB_FILE)), "not the data directory's database either");
    }

    @Test
    void aDatabaseFileInAMissingDirectoryIsRefusedNamingTheFile() throws Exception {
        Path dir = Files.createTempDirectory("mw-db-url");
        Path db = dir.resolve("missing").resolve("c.db");
        var e = assertThrows(CoordinatorStartException.class, () -> Coordinator.start(config(dir, "jdbc:sqlite:" + db)));
        assertTrue(e.getMessage().startsWith("cannot secure the database file " + db + ": "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        assertFalse(Files.exists(SqliteFileLock.lockFileOf(db)), "refused before the lock");
    }
}
