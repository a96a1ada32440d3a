package dev.meshwire.coordinator;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's data directory holds member names, keys, message metadata and the mesh
 * authority secret keys: the directory is 0700 and every file in it 0600. New files are created
 * with that mode; existing ones with a looser mode are tightened at start (one log line each).
 * The SQLite database and its {@code -wal}, {@code -shm} and {@code -journal} are made 0600 where
 * every SQLite file is opened, {@code dev.meshwire.sqlite.SqliteFiles}.
 */
public final class PrivateFiles {
    private static final Logger LOG = LoggerFactory.getLogger(PrivateFiles.class);
    public static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");
    public static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");

    private PrivateFiles() {}

    /** Creates {@code dir} (and parents) with 0700, or tightens an existing one to 0700 (logged). */
    public static void ensureDir(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Path parent = dir.toAbsolutePath().getParent();
            if (parent != null && !Files.isDirectory(parent)) Files.createDirectories(parent);
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
            } catch (FileAlreadyExistsException raced) {
                // created concurrently: tightened below
            }
        }
        tighten(dir, DIR_MODE, "data directory");
    }

    /** Tightens {@code file} to 0600 if it exists. */
    public static void tightenIfExists(Path file) throws IOException {
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) tighten(file, FILE_MODE, "file");
    }

    private static void tighten(Path p, Set<PosixFilePermission> mode, String what) throws IOException {
        Set<PosixFilePermission> now;
        try {
            now = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
        } catch (UnsupportedOperationException e) {
            return; // not a POSIX file system
        }
        if (now.equals(mode)) return;
        Files.setPosixFilePermissions(p, mode);
        LOG.info("{} {} was {}; now {} (it holds member keys and message metadata)", what, p.toAbsolutePath(),
                PosixFilePermissions.toString(now), PosixFilePermissions.toString(mode));
    }
}
