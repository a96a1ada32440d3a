package dev.meshwire.peer.home;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.meshwire.sqlite.SqliteFiles;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every daemon database opens with the same pragmas: WAL, synchronous NORMAL, and the checkpoint and mapping sizes. */
class SqlitePragmasTest {
    @TempDir
    Path tmp;

    private static String pragma(Connection c, String name) throws Exception {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA " + name)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void openSetsTheDaemonsPragmas() throws Exception {
        try (Connection c = Sqlite.open(tmp.resolve("x.db"))) {
            assertEquals("wal", pragma(c, "journal_mode"));
            assertEquals("1", pragma(c, "synchronous"), "NORMAL");
            assertEquals("1", pragma(c, "foreign_keys"));
            assertEquals(String.valueOf(SqliteFiles.WAL_AUTOCHECKPOINT_PAGES), pragma(c, "wal_autocheckpoint"));
            assertEquals(String.valueOf(SqliteFiles.JOURNAL_SIZE_LIMIT_BYTES), pragma(c, "journal_size_limit"));
            assertEquals(String.valueOf(SqliteFiles.MMAP_BYTES), pragma(c, "mmap_size"));
            assertEquals("-2000", pragma(c, "cache_size"), "SQLite's default page cache");
            // Writes and reads through the mapping work as before.
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)");
                for (int i = 0; i < 2_000; i++) st.execute("INSERT INTO t (v) VALUES ('" + "x".repeat(500) + "')");
                try (ResultSet rs = st.executeQuery("SELECT COUNT(*), SUM(LENGTH(v)) FROM t")) {
                    rs.next();
                    assertEquals(2_000, rs.getInt(1));
                    assertEquals(1_000_000L, rs.getLong(2));
                }
            }
        }
    }
}
