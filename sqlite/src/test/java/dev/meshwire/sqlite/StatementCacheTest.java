package dev.meshwire.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A statement is prepared once per SQL text and closed by the cache. */
class StatementCacheTest {
    @TempDir
    Path tmp;

    @Test
    void theSameTextGivesTheSameStatementAndCloseClosesThemAll() throws Exception {
        try (Connection c = SqliteFiles.open(tmp.resolve("s.db"), SqliteTuning.DEFAULT)) {
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)");
            }
            StatementCache cache = new StatementCache(c);
            PreparedStatement insert = cache.get("INSERT INTO t (v) VALUES (?)");
            PreparedStatement count = cache.get("SELECT COUNT(*) FROM t WHERE v = ?");
            assertNotSame(insert, count);
            for (int i = 0; i < 3; i++) {
                PreparedStatement again = cache.get("INSERT INTO t (v) VALUES (?)");
                assertSame(insert, again);
                again.setString(1, "x");
                again.executeUpdate();
            }
            PreparedStatement q = cache.get("SELECT COUNT(*) FROM t WHERE v = ?");
            assertSame(count, q);
            q.setString(1, "x");
            try (ResultSet rs = q.executeQuery()) {
                assertTrue(rs.next());
                assertEquals(3, rs.getInt(1));
            }

            cache.close();
            assertTrue(insert.isClosed());
            assertTrue(count.isClosed());
            assertFalse(c.isClosed(), "the connection is the caller's");
            PreparedStatement fresh = cache.get("INSERT INTO t (v) VALUES (?)");
            assertNotSame(insert, fresh, "prepared again after close");
            assertFalse(fresh.isClosed());
            cache.close();
            assertTrue(fresh.isClosed());
        }
    }

    @Test
    void aLimitIsWrittenIntoTheTextRoundedUpToAPowerOfTwo() throws Exception {
        assertEquals(java.util.List.of("1", "2", "4", "32", "32", "64", "1024", Integer.toString(Integer.MAX_VALUE)),
                java.util.stream.IntStream.of(1, 2, 3, 17, 32, 33, 1000, (1 << 30) + 1).mapToObj(StatementCache::limitText).toList());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> StatementCache.limitText(0));
        try (Connection c = SqliteFiles.open(tmp.resolve("l.db"), SqliteTuning.DEFAULT)) {
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE t (k INTEGER PRIMARY KEY)");
                st.execute("INSERT INTO t (k) VALUES (1), (2), (3), (4), (5), (6)");
            }
            StatementCache cache = new StatementCache(c);
            PreparedStatement three = cache.getLimited("SELECT k FROM t ORDER BY k", 3);
            assertSame(three, cache.getLimited("SELECT k FROM t ORDER BY k", 4), "3 and 4 share LIMIT 4");
            assertNotSame(three, cache.getLimited("SELECT k FROM t ORDER BY k", 5));
            int rows = 0;
            try (ResultSet rs = three.executeQuery()) {
                while (rs.next()) rows++;
            }
            assertEquals(4, rows, "the statement returns up to the power of two; the caller stops at its own limit");

            cache.discard();
            assertTrue(three.isClosed());
            assertFalse(cache.getLimited("SELECT k FROM t ORDER BY k", 3).isClosed(), "prepared afresh after discard");
            cache.close();
        }
    }
}
