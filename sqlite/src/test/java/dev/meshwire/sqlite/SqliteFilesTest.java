package dev.meshwire.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real SQLite files: the pragmas read back as set, and the database and its companions are 0600. */
class SqliteFilesTest {
    @TempDir
    Path tmp;

    private static String pragma(Connection c, String name) throws Exception {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA " + name)) {
            assertTrue(rs.next(), name);
            return rs.getString(1);
        }
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    private static Path companion(Path db, String suffix) {
        return db.resolveSibling(db.getFileName() + suffix);
    }

    private static void write(Connection c) throws Exception {
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS t (k INTEGER PRIMARY KEY, v TEXT)");
            st.execute("INSERT INTO t (v) VALUES ('x')");
        }
    }

    @Test
    void theSharedPragmasReadBackAsSet() throws Exception {
        try (Connection c = SqliteFiles.open(tmp.resolve("x.db"), SqliteTuning.DEFAULT)) {
            assertEquals("wal", pragma(c, "journal_mode"));
            assertEquals("1", pragma(c, "synchronous"), "NORMAL");
            assertEquals("1", pragma(c, "foreign_keys"));
            assertEquals("5000", pragma(c, "busy_timeout"));
            assertEquals("10000", pragma(c, "wal_autocheckpoint"));
            assertEquals(String.valueOf(64L * 1024 * 1024), pragma(c, "journal_size_limit"));
            assertEquals(String.valueOf(256L * 1024 * 1024), pragma(c, "mmap_size"));
            assertEquals("-2000", pragma(c, "cache_size"), "SQLite's default page cache");
        }
    }

    @Test
    void theDefaultPageCacheIsTheOneSqliteHasWhenNothingSetsIt() throws Exception {
        try (Connection plain = DriverManager.getConnection("jdbc:sqlite:" + tmp.resolve("plain.db"))) {
            assertEquals(pragma(plain, "cache_size"), String.valueOf(SqliteTuning.DEFAULT.cacheSizePragma()));
        }
    }

    @Test
    void theCoordinatorsPageCacheIs64MiB() throws Exception {
        try (Connection c = SqliteFiles.open(tmp.resolve("c.db"), SqliteTuning.COORDINATOR)) {
            assertEquals("-65536", pragma(c, "cache_size"));
            assertEquals("wal", pragma(c, "journal_mode"));
        }
    }

    @Test
    void aFileUrlIsOpenedAsItsPathWithTheUrlsParameters() throws Exception {
        Path db = tmp.resolve("u.db");
        try (Connection c = SqliteFiles.open("jdbc:sqlite:" + db + "?temp_store=MEMORY", SqliteTuning.COORDINATOR)) {
            write(c);
            assertEquals("2", pragma(c, "temp_store"), "the URL's parameter");
            assertEquals("-65536", pragma(c, "cache_size"));
            assertEquals("wal", pragma(c, "journal_mode"));
        }
        assertEquals("rw-------", mode(db));
        assertEquals(db, SqliteFiles.databaseFile("jdbc:sqlite:file:" + db + "?cache=shared"));
    }

    @Test
    void anInMemoryDatabaseGetsThePragmasAndNoFile() throws Exception {
        assertNull(SqliteFiles.databaseFile("jdbc:sqlite:"), "SQLite's private temporary database");
        for (String url : new String[] {"jdbc:sqlite::memory:", "jdbc:sqlite:file:mem1?mode=memory&cache=shared"}) {
            assertNull(SqliteFiles.databaseFile(url), url);
            try (Connection c = SqliteFiles.open(url, SqliteTuning.COORDINATOR)) {
                write(c);
                assertEquals("memory", pragma(c, "journal_mode"), url + ": no WAL without a file");
                assertEquals("1", pragma(c, "synchronous"), url);
                assertEquals("1", pragma(c, "foreign_keys"), url);
                assertEquals("5000", pragma(c, "busy_timeout"), url);
                assertEquals("10000", pragma(c, "wal_autocheckpoint"), url);
                assertEquals("-65536", pragma(c, "cache_size"), url);
            }
        }
        try (var files = Files.list(tmp)) {
            assertEquals(0, files.count(), "nothing written to the directory");
        }
    }

    @Test
    void aNewDatabaseAndItsWalFilesAre0600() throws Exception {
        Path db = tmp.resolve("new.db");
        try (Connection c = SqliteFiles.open(db, SqliteTuning.DEFAULT)) {
            write(c);
            for (Path p : new Path[] {db, companion(db, "-wal"), companion(db, "-shm")}) {
                assertTrue(Files.exists(p), p + " exists after a write");
                assertEquals("rw-------", mode(p), p.toString());
            }
        }
    }

    @Test
    void widerExistingFilesAreTightenedBeforeSqliteOpensThem() throws Exception {
        Path db = tmp.resolve("old.db");
        try (Connection c = SqliteFiles.open(db, SqliteTuning.DEFAULT)) {
            write(c);
        }
        // What an older release (or a crash under a wider umask) leaves: a world-readable database and companions.
        for (String suffix : new String[] {"", "-wal", "-shm", "-journal"}) {
            Path p = companion(db, suffix);
            if (!Files.exists(p)) Files.createFile(p);
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
        }
        try (Connection c = SqliteFiles.open(db, SqliteTuning.DEFAULT)) { // an empty -journal is not a hot journal
            write(c);
            for (String suffix : new String[] {"", "-wal", "-shm", "-journal"}) {
                assertEquals("rw-------", mode(companion(db, suffix)), suffix);
            }
        }
    }

    @Test
    void aPreExisting0644WalIsTightenedByOpen() throws Exception {
        Path db = tmp.resolve("w.db");
        Path wal = companion(db, "-wal");
        Files.createFile(wal);
        Files.setPosixFilePermissions(wal, PosixFilePermissions.fromString("rw-r--r--"));
        try (Connection c = SqliteFiles.open(db, SqliteTuning.DEFAULT)) {
            write(c);
            assertEquals("rw-------", mode(db));
            assertEquals("rw-------", mode(wal));
            assertEquals("rw-------", mode(companion(db, "-shm")));
        }
    }

    @Test
    void aFileThatCannotBeCreatedFailsNamingIt() {
        Path db = tmp.resolve("missing-dir").resolve("x.db");
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> SqliteFiles.open(db, SqliteTuning.DEFAULT));
        assertTrue(e.getMessage().startsWith("cannot create " + db + ": "), e.getMessage());
        assertFalse(Files.exists(db.getParent()), "open creates no directory");
    }

    @Test
    void thePageCacheIsWholeKibibytes() {
        assertThrows(IllegalArgumentException.class, () -> new SqliteTuning(0));
        assertThrows(IllegalArgumentException.class, () -> new SqliteTuning(1500));
        assertEquals(-65536, SqliteTuning.COORDINATOR.cacheSizePragma());
    }
}
