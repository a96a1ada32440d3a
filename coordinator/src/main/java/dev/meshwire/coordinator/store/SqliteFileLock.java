package dev.meshwire.coordinator.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.Set;

/**
 * Keeps a SQLite database file to one coordinator: an exclusive lock on {@code <database>.lock}, held from
 * {@link #acquire} until {@link #close}. The SQLite store keeps queue facts in memory that hold only while it is the
 * file's only writer (the earliest expiry its sweep relies on, claims written at insert), so a second coordinator on
 * the same file is refused at start rather than left to corrupt those assumptions. Several coordinators share a
 * database only on PostgreSQL.
 *
 * <p>The operating system drops the lock when the process dies (kill -9 included), so a crash never leaves a stale
 * lock behind. Within one JVM the lock is also tracked in a set: closing any channel on a file releases every POSIX
 * lock the process holds on it, so a second attempt must fail before it opens a channel of its own.
 */
public final class SqliteFileLock implements AutoCloseable {
    private static final Set<Path> HELD_IN_THIS_JVM = new HashSet<>();

    private final Path lockFile;
    private final FileChannel channel;
    private final FileLock lock;

    private SqliteFileLock(Path lockFile, FileChannel channel, FileLock lock) {
        this.lockFile = lockFile;
        this.channel = channel;
        this.lock = lock;
    }

    /** The lock file that guards {@code database}. */
    public static Path lockFileOf(Path database) {
        return database.resolveSibling(database.getFileName() + ".lock");
    }

    /**
     * Takes the lock of {@code database} without waiting; fails with a {@link StoreException} naming the file when
     * another coordinator (in this process or another) holds it, or when the lock file cannot be created (0600).
     */
    public static SqliteFileLock acquire(Path database) {
        Path lockFile = lockFileOf(database.toAbsolutePath().normalize());
        synchronized (HELD_IN_THIS_JVM) {
            if (HELD_IN_THIS_JVM.contains(lockFile)) throw inUse(database);
            FileChannel ch = null;
            try {
                createPrivate(lockFile);
                ch = FileChannel.open(lockFile, StandardOpenOption.WRITE);
                FileLock l = ch.tryLock();
                if (l == null) {
                    ch.close();
                    throw inUse(database);
                }
                HELD_IN_THIS_JVM.add(lockFile);
                return new SqliteFileLock(lockFile, ch, l);
            } catch (OverlappingFileLockException e) {
                throw inUse(database); // not reached while HELD_IN_THIS_JVM is the only way in; kept for safety
            } catch (IOException e) {
                closeQuietly(ch);
                throw new StoreException("cannot lock the database file " + database + " (" + lockFile + "): " + e.getMessage(), e);
            }
        }
    }

    private static void createPrivate(Path lockFile) throws IOException {
        try {
            Files.createFile(lockFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException | UnsupportedOperationException existingOrNotPosix) {
            if (!Files.exists(lockFile)) Files.createFile(lockFile);
        }
    }

    private static StoreException inUse(Path database) {
        return new StoreException("the database " + database + " is in use by another coordinator; a SQLite database"
                + " serves one coordinator (stop the other one, or give this one its own --data directory)");
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch == null) return;
        try {
            ch.close();
        } catch (IOException ignored) {
            // the open failed already; that failure is the one reported
        }
    }

    /** Releases the lock (the lock file stays: deleting it could race a coordinator that just opened it). Idempotent. */
    @Override
    public void close() {
        synchronized (HELD_IN_THIS_JVM) {
            if (!channel.isOpen()) return;
            try {
                lock.release();
            } catch (IOException ignored) {
                // closing the channel below releases it as well
            }
            closeQuietly(channel);
            HELD_IN_THIS_JVM.remove(lockFile);
        }
    }
}
