package dev.meshwire.sqlite;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place meshwire opens a SQLite database, the coordinator's store and the daemon's databases alike.
 *
 * <p>The contract of {@link #open(Path, SqliteTuning)}:
 * <ul>
 *   <li>The database file is created 0600 before SQLite touches it (SQLite would create it with the umask's mode),
 *       or tightened to 0600 if it exists. Its directory must exist.</li>
 *   <li>SQLite creates {@code -wal} and {@code -shm} with the database file's mode, but leaves existing ones (a crash
 *       leaves them behind, an older release may have made them wider) as they are: {@code -wal}, {@code -shm} and
 *       {@code -journal} are tightened to 0600 where they exist, before the connection opens and again after the
 *       pragmas (which create the WAL files). Each file tightened is logged.</li>
 *   <li>The pragmas below are applied to every connection; {@link SqliteTuning} holds the one setting in which users
 *       differ (the page cache).</li>
 *   <li>A file that cannot be created or made private fails with an {@link UncheckedIOException} (its cause the
 *       {@link IOException}); SQLite's own failures with a {@link SQLException}. Nothing is left open on failure.</li>
 * </ul>
 *
 * <p>Pragmas, with why each one that is not SQLite's default is set:
 * <ul>
 *   <li>{@code journal_mode=WAL}: readers beside the writer, and commits append to the WAL instead of rewriting pages.</li>
 *   <li>{@code synchronous=NORMAL}: with WAL, durable across process crashes, one fsync per checkpoint instead of one
 *       per commit (a power loss may drop the last commits, never corrupt the file).</li>
 *   <li>{@code busy_timeout=5000}: a second connection on the file (a reader beside the writer) waits up to 5 s for
 *       a lock instead of failing at once with SQLITE_BUSY.</li>
 *   <li>{@code foreign_keys=ON}: the schemas' REFERENCES clauses are enforced (SQLite leaves them off).</li>
 *   <li>{@code wal_autocheckpoint}, {@code journal_size_limit}: see {@link #WAL_AUTOCHECKPOINT_PAGES}.</li>
 *   <li>{@code cache_size}: per {@link SqliteTuning#pageCacheBytes()}.</li>
 *   <li>{@code mmap_size}: see {@link #MMAP_BYTES}.</li>
 * </ul>
 * JDBC blocks: callers stay off Vert.x event loops.
 */
public final class SqliteFiles {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteFiles.class);

    /** What every SQLite file is: read and written by its owner only. */
    public static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");

    /** The files SQLite keeps beside a database file. */
    private static final String[] COMPANION_SUFFIXES = {"-wal", "-shm", "-journal"};

    /**
     * WAL pages between automatic checkpoints (SQLite's default is 1,000).
     *
     * <p>The coordinator: the profile of a drain had the writer thread in COMMIT ~60 % of the time: the automatic WAL
     * checkpoint (copy to the database file + fsync) ran every 1,000 pages, i.e. every few claim or ack batches of
     * 1.5 KiB rows. Every 10,000 pages (~40 MB) it runs a tenth as often and writes a page touched by both claim and
     * ack once.
     *
     * <p>The daemon, as the coordinator's store: a checkpoint every 10,000 WAL pages instead of 1,000 copies a hot page
     * (the outbox's and inbox's tails and indexes) into the database once where it was copied many times (single
     * daemon-path runs: 20–40 µs less CPU per message, with {@link #MMAP_BYTES}; docs/benchmarks.md "Daemon path
     * CPU").
     *
     * <p>{@code journal_size_limit} ({@link #JOURNAL_SIZE_LIMIT_BYTES}) truncates the WAL file back afterwards.
     * Commits stay as durable as before (WAL + synchronous=NORMAL).
     */
    public static final int WAL_AUTOCHECKPOINT_PAGES = 10_000;

    /** What a checkpointed WAL file is truncated to: 64 MiB. */
    public static final long JOURNAL_SIZE_LIMIT_BYTES = 64L * 1024 * 1024;

    /**
     * The most of the database file read through a memory mapping (256 MiB; SQLite's default is none): pages are read
     * through the page cache mapping instead of a read() copy each (the daemon's drain: part of the 20–40 µs in
     * {@link #WAL_AUTOCHECKPOINT_PAGES}). Durability is the same.
     */
    public static final long MMAP_BYTES = 256L * 1024 * 1024;

    private SqliteFiles() {}

    /** Opens (creating if needed, mode 0600) the database {@code file} with the shared pragmas and {@code tuning}. */
    public static Connection open(Path file, SqliteTuning tuning) throws SQLException {
        return open(file, "jdbc:sqlite:" + file, tuning);
    }

    /**
     * Opens a {@code jdbc:sqlite:} URL: a file's (see {@link #databaseFile}) as {@link #open(Path, SqliteTuning)} does,
     * the URL's parameters kept; an in-memory database ({@code :memory:}, {@code mode=memory}) with the same pragmas
     * and no file to secure (its journal mode stays {@code memory}: SQLite has no WAL without a file).
     */
    public static Connection open(String jdbcUrl, SqliteTuning tuning) throws SQLException {
        return open(databaseFile(jdbcUrl), jdbcUrl, tuning);
    }

    /** The database file of a {@code jdbc:sqlite:} URL, or null for an in-memory database. */
    public static Path databaseFile(String jdbcUrl) {
        if (!jdbcUrl.startsWith("jdbc:sqlite:")) throw new IllegalArgumentException("not a jdbc:sqlite: URL: " + jdbcUrl);
        String rest = jdbcUrl.substring("jdbc:sqlite:".length());
        int q = rest.indexOf('?');
        String query = q >= 0 ? rest.substring(q + 1) : "";
        if (q >= 0) rest = rest.substring(0, q);
        if (rest.startsWith("file:")) rest = rest.substring("file:".length());
        if (rest.isEmpty() || rest.equals(":memory:") || query.contains("mode=memory")) return null;
        return Path.of(rest);
    }

    /**
     * Creates {@code file} 0600 if it is missing (its directory must exist), tightens it to 0600 if it is wider, and
     * tightens its companions ({@code -wal}, {@code -shm}, {@code -journal}) that exist. {@link #open} does this
     * itself; a caller that must report a file it cannot secure before taking a lock of its own calls it first.
     *
     * @throws UncheckedIOException "cannot create {@code file}: ..." or "cannot make {@code companion} private: ..."
     */
    public static void secure(Path file) {
        try {
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE_MODE));
            } catch (FileAlreadyExistsException exists) {
                // tightened below
            }
            tighten(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + file + ": " + e.getMessage(), e);
        }
        tightenCompanions(file);
    }

    private static Connection open(Path file, String jdbcUrl, SqliteTuning tuning) throws SQLException {
        if (file != null) secure(file);
        Connection conn = DriverManager.getConnection(jdbcUrl);
        try (Statement st = conn.createStatement()) {
            st.execute("PRAGMA journal_mode=WAL");
            st.execute("PRAGMA synchronous=NORMAL");
            st.execute("PRAGMA busy_timeout=5000");
            st.execute("PRAGMA foreign_keys=ON");
            st.execute("PRAGMA wal_autocheckpoint=" + WAL_AUTOCHECKPOINT_PAGES);
            st.execute("PRAGMA journal_size_limit=" + JOURNAL_SIZE_LIMIT_BYTES);
            st.execute("PRAGMA cache_size=" + tuning.cacheSizePragma());
            st.execute("PRAGMA mmap_size=" + MMAP_BYTES);
            if (file != null) tightenCompanions(file);
        } catch (SQLException | RuntimeException e) {
            try {
                conn.close();
            } catch (SQLException c) {
                e.addSuppressed(c);
            }
            throw e;
        }
        return conn;
    }

    private static void tightenCompanions(Path file) {
        for (String suffix : COMPANION_SUFFIXES) {
            Path f = file.resolveSibling(file.getFileName() + suffix);
            try {
                if (Files.exists(f, LinkOption.NOFOLLOW_LINKS)) tighten(f);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot make " + f + " private: " + e.getMessage(), e);
            }
        }
    }

    /** Sets {@code f} to 0600 if it is not (logged: an older release or a hand-made file may be wider). */
    private static void tighten(Path f) throws IOException {
        Set<PosixFilePermission> now = Files.getPosixFilePermissions(f, LinkOption.NOFOLLOW_LINKS);
        if (now.equals(FILE_MODE)) return;
        Files.setPosixFilePermissions(f, FILE_MODE);
        LOG.info("SQLite file {} was {}; now {}", f.toAbsolutePath(), PosixFilePermissions.toString(now),
                PosixFilePermissions.toString(FILE_MODE));
    }
}
