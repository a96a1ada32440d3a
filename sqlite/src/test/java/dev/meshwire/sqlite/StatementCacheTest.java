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
}
