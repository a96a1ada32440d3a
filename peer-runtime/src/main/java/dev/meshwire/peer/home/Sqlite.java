package dev.meshwire.peer.home;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The one place the daemon opens its SQLite databases (inbox, outbox, mesh state): the file is
 * created 0600 before SQLite touches it, WAL journal, {@code synchronous=NORMAL}, a 5 s busy
 * timeout, foreign keys on, a checkpoint every {@value #WAL_AUTOCHECKPOINT_PAGES} WAL pages, reads through a
 * mapping. Schemas migrate through {@code PRAGMA user_version}, read and written here. JDBC blocks: callers stay off Vert.x event loops.
 */
public final class Sqlite {
    /** WAL pages between automatic checkpoints (SQLite's default is 1,000). */
    public static final int WAL_AUTOCHECKPOINT_PAGES = 10_000;
    /** What a checkpointed WAL file is truncated to. */
    public static final long JOURNAL_SIZE_LIMIT_BYTES = 64L * 1024 * 1024;
    /** The most of the database file read through a memory mapping. */
    public static final long MMAP_BYTES = 256L * 1024 * 1024;

    private Sqlite() {}

    /** Opens (creating if needed, mode 0600) {@code dbFile} with the daemon's pragmas. */
    public static Connection open(Path dbFile) throws SQLException {
        MeshwireHome.touchPrivate(dbFile); // 0600 before SQLite creates it with the umask
        // SQLite creates -wal and -shm with the database file's mode, but leaves existing ones (a crash
        // leaves them behind) as they are: tighten those left by an older release.
        tightenCompanions(dbFile);
        Connection conn = DriverManager.getConnection("jdbc:sqlite:" + dbFile);
        try (Statement st = conn.createStatement()) {
            st.execute("PRAGMA journal_mode=WAL");
            st.execute("PRAGMA synchronous=NORMAL");
            st.execute("PRAGMA busy_timeout=5000");
            st.execute("PRAGMA foreign_keys=ON");
            // As the coordinator's store: a checkpoint every 10,000 WAL pages instead of 1,000 copies a hot page (the
            // outbox's and inbox's tails and indexes) into the database once where it was copied many times, and pages
            // are read through a mapping instead of a read() copy each (single daemon-path runs: 20–40 µs less CPU per
            // message for either; docs/benchmarks.md "Daemon path CPU"). Durability is the same (WAL, synchronous=NORMAL);
            // the WAL is cut back to 64 MiB after a checkpoint.
            st.execute("PRAGMA wal_autocheckpoint=" + WAL_AUTOCHECKPOINT_PAGES);
            st.execute("PRAGMA journal_size_limit=" + JOURNAL_SIZE_LIMIT_BYTES);
            st.execute("PRAGMA mmap_size=" + MMAP_BYTES);
            tightenCompanions(dbFile);
        } catch (SQLException | java.io.UncheckedIOException e) {
            conn.close();
            throw e;
        }
        return conn;
    }

    /** Sets {@code <db>-wal}, {@code <db>-shm} and {@code <db>-journal} to 0600 where they exist. */
    public static void tightenCompanions(Path dbFile) {
        for (String suffix : new String[] {"-wal", "-shm", "-journal"}) {
            Path f = dbFile.resolveSibling(dbFile.getFileName() + suffix);
            try {
                if (java.nio.file.Files.exists(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                        && !java.nio.file.Files.getPosixFilePermissions(f).equals(MeshwireHome.FILE_MODE)) {
                    java.nio.file.Files.setPosixFilePermissions(f, MeshwireHome.FILE_MODE);
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("cannot make " + f + " private: " + e.getMessage(), e);
            }
        }
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
