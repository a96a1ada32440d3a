package dev.meshwire.peer.home;

import dev.meshwire.sqlite.SqliteFiles;
import dev.meshwire.sqlite.SqliteTuning;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The daemon's SQLite databases (inbox, outbox, mesh state, ...): opened by {@link SqliteFiles}, the one place every
 * meshwire SQLite file is created 0600 and configured (WAL, {@code synchronous=NORMAL}, a 5 s busy timeout, foreign
 * keys on, the checkpoint and mapping sizes), with SQLite's default page cache ({@link SqliteTuning#DEFAULT}). Schemas
 * migrate through {@code PRAGMA user_version}, read and written here. JDBC blocks: callers stay off Vert.x event loops.
 */
public final class Sqlite {
    private Sqlite() {}

    /** Opens (creating if needed: the directory 0700, the file 0600) {@code dbFile} with the daemon's pragmas. */
    public static Connection open(Path dbFile) throws SQLException {
        MeshwireHome.ensureDir(dbFile.getParent());
        return SqliteFiles.open(dbFile, SqliteTuning.DEFAULT);
    }

    /** The schema version ({@code PRAGMA user_version}); 0 for a new database. */
    public static int userVersion(Connection conn) throws SQLException {
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("PRAGMA user_version")) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    /**
     * Refuses a database written by a newer daemon ({@code what} names it in the message): a
     * downgrade could misread its tables.
     */
    public static int checkVersion(Connection conn, String what, int supported) throws SQLException {
        int v = userVersion(conn);
        if (v > supported) {
            throw new IllegalStateException(what + " has schema version " + v + ", newer than this daemon (" + supported
                    + "); refusing to downgrade");
        }
        return v;
    }

    /** Runs {@code statements} and sets {@code user_version} to {@code version}, in one transaction. */
    public static void migrate(Connection conn, int version, String... statements) throws SQLException {
        boolean auto = conn.getAutoCommit();
        conn.setAutoCommit(false);
        try (Statement st = conn.createStatement()) {
            for (String s : statements) st.execute(s);
            st.execute("PRAGMA user_version = " + version);
            conn.commit();
        } catch (SQLException e) {
            conn.rollback();
            throw e;
        } finally {
            conn.setAutoCommit(auto);
        }
    }
}
