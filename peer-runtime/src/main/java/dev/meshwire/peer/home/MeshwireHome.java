package dev.meshwire.peer.home;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.ByteBuffer;
import java.util.Set;

/**
 * The on-disk layout under {@code $MESHWIRE_HOME}. Every directory is 0700 and every file 0600 from
 * the moment it is created (never chmod-after-write: a secret must not be readable by others even
 * for an instant).
 *
 * <pre>
 * home/
 *   config.json (optional settings, see DaemonConfig)
 *   daemon/ pid, port, token, daemon.lock, start.lock, starting, daemon.log (+ .1 .. .N), daemon.out, inbox.db, outbox.db, meshstate.db
 *           (and the databases' -wal / -shm, 0600 like their database)
 *   meshes/&lt;mesh-name&gt;/ mesh.json, identity.key
 * </pre>
 */
public final class MeshwireHome {
    public static final String ENV = "MESHWIRE_HOME";
    public static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");
    public static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");

    private final Path root;

    private MeshwireHome(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** Resolution order: explicit option (e.g. {@code --home}) &gt; env {@code MESHWIRE_HOME} &gt; {@code ~/.meshwire}. */
    public static MeshwireHome resolve(Path explicit) {
        return resolve(explicit, System.getenv());
    }

    /** As {@link #resolve(Path)} with {@code environment} instead of this process's (a call forwarded to the daemon). */
    public static MeshwireHome resolve(Path explicit, java.util.Map<String, String> environment) {
        if (explicit != null) return new MeshwireHome(explicit);
        String env = environment.get(ENV);
        if (env != null && !env.isBlank()) return new MeshwireHome(Path.of(env));
        return new MeshwireHome(Path.of(System.getProperty("user.home"), ".meshwire"));
    }

    public static MeshwireHome at(Path root) {
        return new MeshwireHome(root);
    }

    public Path root() { return root; }
    public Path daemonDir() { return root.resolve("daemon"); }
    public Path meshesDir() { return root.resolve("meshes"); }
    public Path pidFile() { return daemonDir().resolve("pid"); }
    public Path portFile() { return daemonDir().resolve("port"); }
    public Path tokenFile() { return daemonDir().resolve("token"); }
    public Path lockFile() { return daemonDir().resolve("daemon.lock"); }
    /** Held by a command while it starts the daemon, so concurrent starts wait for one daemon. */
    public Path startLockFile() { return daemonDir().resolve("start.lock"); }
    /** The pid a start spawned, until its daemon answers (so {@code down} can stop a slow start). */
    public Path startingFile() { return daemonDir().resolve("starting"); }
    /** The daemon's log, rotated to daemon.log.1 .. daemon.log.N by size (config log.max-size, log.keep). */
    public Path logFile() { return daemonDir().resolve("daemon.log"); }
    /** A started daemon's raw stdout and stderr: its start line, an error before logging starts, a JVM crash. */
    public Path outFile() { return daemonDir().resolve("daemon.out"); }
    public Path inboxDb() { return daemonDir().resolve("inbox.db"); }
    public Path outboxDb() { return daemonDir().resolve("outbox.db"); }
    /** The replicated, verified mesh state of every joined mesh (events + installed snapshots). */
    public Path meshStateDb() { return daemonDir().resolve("meshstate.db"); }
    /** Topic keys of every epoch this member held, and topic posts waiting for their key (docs/storage.md "Topic keyring"). */
    public Path topicsDb() { return daemonDir().resolve("topics.db"); }
    public Path meshDir(String meshName) { return meshesDir().resolve(meshName); }

    /** Creates root, daemon/ and meshes/ with mode 0700. */
    public MeshwireHome ensureLayout() {
        ensureDir(root);
        ensureDir(daemonDir());
        ensureDir(meshesDir());
        return this;
    }

    /** Creates a directory (and parents) with 0700 at creation; tightens an existing one we own. */
    public static void ensureDir(Path dir) {
        try {
            if (!Files.isDirectory(dir)) {
                Path parent = dir.getParent();
                if (parent != null && !Files.isDirectory(parent)) Files.createDirectories(parent);
                try {
                    Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
                } catch (FileAlreadyExistsException ignored) {
                    // raced with another process; fine
                }
            }
            // umask may have masked bits at creation; set exactly
            Files.setPosixFilePermissions(dir, DIR_MODE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes a file atomically (temp file created 0600, then renamed), so readers never see a
     * partial token/port and the file never exists with a wider mode.
     */
    public static void writePrivate(Path file, byte[] content) {
        try {
            ensureDir(file.getParent());
            Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp" + ProcessHandle.current().pid());
            Files.deleteIfExists(tmp);
            try (SeekableByteChannel ch = Files.newByteChannel(tmp,
                    Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(FILE_MODE))) {
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) ch.write(buf);
            }
            Files.setPosixFilePermissions(tmp, FILE_MODE);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    public static void writePrivate(Path file, String content) {
        writePrivate(file, content.getBytes(StandardCharsets.UTF_8));
    }

    /** Creates an empty 0600 file if missing (e.g. the log or the SQLite database before JDBC opens it). */
    public static void touchPrivate(Path file) {
        try {
            ensureDir(file.getParent());
            if (!Files.exists(file)) {
                try {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE_MODE));
                } catch (FileAlreadyExistsException ignored) {
                    // fine
                }
            }
            Files.setPosixFilePermissions(file, FILE_MODE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + file + ": " + e.getMessage(), e);
        }
    }

    public static String readTrimmed(Path file) {
        try {
            return Files.readString(file).trim();
        } catch (IOException e) {
            return null;
        }
    }
}
