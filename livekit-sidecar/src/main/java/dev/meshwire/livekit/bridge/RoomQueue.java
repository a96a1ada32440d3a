package dev.meshwire.livekit.bridge;

import dev.meshwire.peer.home.MeshwireHome;
import dev.meshwire.peer.home.Sqlite;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The room → mesh queue of one side-car: room packets waiting for the mesh, oldest first (docs/livekit.md
 * "Delivery").
 *
 * <p><b>Durable</b> when opened on a file ({@link #open}): a packet is committed to SQLite (opened through the
 * daemon's one SQLite setup, {@link Sqlite}: file 0600, WAL, {@code synchronous=NORMAL}) before {@link #add}
 * returns, and leaves the queue only once the mesh took it ({@link #remove}). A committed WAL transaction survives
 * the side-car process being killed (it is in the OS's page cache); what it does not survive is the machine losing
 * power before the next checkpoint, the price of {@code synchronous=NORMAL}, as for the daemon's own stores.
 * {@link #inMemory} keeps the same contract for one process only (tests and embedders without a home).
 *
 * <p>Idempotent: a row's client message id is unique here, so a packet the room replays while its first copy still
 * waits is stored once (the coordinator deduplicates the rest). Bounded at {@code max} rows: past that a packet is
 * refused ({@link #add} returns false) rather than filling the disk.
 *
 * <p>Thread-safe (one connection, every method synchronized); every call is a short local transaction.
 */
public final class RoomQueue implements AutoCloseable {
    /** A queued room packet: its sequence number, the mesh message id, where it goes and its mesh text. */
    public record Row(long seq, String clientMessageId, String target, String text) {}

    private static final int SCHEMA = 2;
    private final Connection conn;
    private final int max;
    /** The OS lock on {@code <file>.lock} (null in memory): one side-car per queue; the kernel drops it if we die. */
    private final java.nio.channels.FileChannel lock;
    private int size;

    private RoomQueue(Connection conn, int max, java.nio.channels.FileChannel lock) throws SQLException {
        this.conn = conn;
        this.max = max;
        this.lock = lock;
        int version = Sqlite.checkVersion(conn, "the LiveKit side-car queue", SCHEMA);
        if (version < 1) {
            Sqlite.migrate(conn, 1, """
                    CREATE TABLE IF NOT EXISTS room_queue (
                      seq INTEGER PRIMARY KEY AUTOINCREMENT,
                      client_message_id TEXT NOT NULL UNIQUE,
                      target TEXT NOT NULL,
                      text TEXT NOT NULL,
                      received_at INTEGER NOT NULL)""");
        }
        if (version < 2) {
            // Room data streams over the message limit, spooled to a file and sent as a mesh file transfer. A row stays
            // after its transfer ended: the same stream replayed is recognised and not sent again.
            Sqlite.migrate(conn, 2, """
                    CREATE TABLE IF NOT EXISTS room_files (
                      client_message_id TEXT PRIMARY KEY,
                      path TEXT NOT NULL,
                      target TEXT NOT NULL,
                      transfer_id TEXT,
                      state TEXT NOT NULL,
                      received_at INTEGER NOT NULL)""");
        }
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM room_queue")) {
            size = rs.next() ? rs.getInt(1) : 0;
        }
    }

    /**
     * Opens (creating 0600, in a 0700 directory) the durable queue at {@code file}. Throws {@link BridgeException}
     * with a one-line reason when it cannot.
     */
    public static RoomQueue open(Path file, int max) {
        java.nio.channels.FileChannel lock = null;
        try {
            if (file.getParent() != null) MeshwireHome.ensureDir(file.getParent());
            lock = lock(file);
            return new RoomQueue(Sqlite.open(file), max, lock);
        } catch (BridgeException e) {
            throw e;
        } catch (SQLException | RuntimeException | java.io.IOException e) {
            closeQuietly(lock);
            throw new BridgeException("cannot open the side-car queue " + file + ": " + e.getMessage());
        }
    }

    /**
     * Takes the OS lock beside {@code file}, or refuses: two side-cars sending from one queue would both send every
     * row. Released by the kernel when the process dies, so a crash leaves no stale lock.
     */
    private static java.nio.channels.FileChannel lock(Path file) throws java.io.IOException {
        Path lockFile = file.resolveSibling(file.getFileName() + ".lock");
        MeshwireHome.touchPrivate(lockFile);
        java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(lockFile, java.nio.file.StandardOpenOption.WRITE);
        java.nio.channels.FileLock l;
        try {
            l = ch.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            l = null;
        }
        if (l == null) {
            ch.close();
            throw new BridgeException("another side-car is already running with the queue " + file + " (same mesh and service on this home)");
        }
        return ch;
    }

    /**
     * The rows a queue file holds, oldest first, read without taking it (a running side-car may hold it): for a status
     * look and for tests. Empty when the file does not exist.
     */
    public static List<Row> read(Path file) {
        if (!java.nio.file.Files.exists(file)) return List.of();
        try (Connection c = Sqlite.open(file); // SELECT only: a reader beside the writer (WAL)
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT seq, client_message_id, target, text FROM room_queue ORDER BY seq")) {
            List<Row> rows = new ArrayList<>();
            while (rs.next()) rows.add(new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4)));
            return rows;
        } catch (SQLException e) {
            throw new BridgeException("cannot read the side-car queue " + file + ": " + e.getMessage());
        }
    }

    private static void closeQuietly(java.nio.channels.FileChannel ch) {
        if (ch == null) return;
        try {
            ch.close();
        } catch (java.io.IOException ignored) {
            // giving up on this queue anyway
        }
    }

    /** A queue that lives as long as this process: not durable across a crash. */
    public static RoomQueue inMemory(int max) {
        try {
            return new RoomQueue(java.sql.DriverManager.getConnection("jdbc:sqlite::memory:"), max, null);
        } catch (SQLException e) {
            throw new IllegalStateException("an in-memory SQLite database: " + e.getMessage(), e);
        }
    }

    /**
     * Where the command keeps the queue of service {@code service} in mesh {@code mesh}: {@code
     * <home>/sidecar/livekit-<mesh>-<service>.db} (a mesh given in another form than its name is hashed).
     */
    public static Path fileFor(MeshwireHome home, String mesh, String service) {
        String m = mesh != null && mesh.matches("[a-z0-9][a-z0-9-]{1,31}") ? mesh : LiveKitBridge.digest(String.valueOf(mesh)).substring(0, 16);
        return home.root().resolve("sidecar").resolve("livekit-" + m + "-" + service + ".db");
    }

    /**
     * Where the command spools room data streams sent on as files ({@code RoomFiles}): beside the queue, {@code
     * <home>/sidecar/livekit-<mesh>-<service>.files/} (0700).
     */
    public static Path spoolFor(MeshwireHome home, String mesh, String service) {
        Path db = fileFor(home, mesh, service);
        String n = db.getFileName().toString();
        return db.resolveSibling(n.substring(0, n.length() - ".db".length()) + ".files");
    }

    /**
     * Stores a packet (committed before this returns). True if it is queued, or already was under this client
     * message id; false if the queue is full.
     */
    public synchronized boolean add(String clientMessageId, String target, String text) {
        if (size >= max) return false;
        try (PreparedStatement ps = conn.prepareStatement(
                "INSERT OR IGNORE INTO room_queue (client_message_id, target, text, received_at) VALUES (?, ?, ?, ?)")) {
            ps.setString(1, clientMessageId);
            ps.setString(2, target);
            ps.setString(3, text);
            ps.setLong(4, System.currentTimeMillis());
            size += ps.executeUpdate();
            return true;
        } catch (SQLException e) {
            throw new BridgeException("storing a room packet failed: " + e.getMessage());
        }
    }

    /** Up to {@code limit} rows, oldest first, left in the queue. */
    public synchronized List<Row> head(int limit) {
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement(
                "SELECT seq, client_message_id, target, text FROM room_queue ORDER BY seq LIMIT ?")) {
            ps.setInt(1, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) rows.add(new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4)));
            }
            return rows;
        } catch (SQLException e) {
            throw new BridgeException("reading the side-car queue failed: " + e.getMessage());
        }
    }

    /** Removes a row once the mesh took it (or refused it for good). */
    public synchronized void remove(long seq) {
        try (PreparedStatement ps = conn.prepareStatement("DELETE FROM room_queue WHERE seq = ?")) {
            ps.setLong(1, seq);
            size -= ps.executeUpdate();
        } catch (SQLException e) {
            throw new BridgeException("removing a row from the side-car queue failed: " + e.getMessage());
        }
    }

    /**
     * A room data stream spooled to a file: {@code spooled} (not yet handed to the daemon), {@code sent} (the daemon's
     * transfer {@code transferId} runs from {@code path}) or {@code finished} (the transfer ended, the file is gone).
     */
    public record FileRow(String clientMessageId, String path, String target, String transferId, String state) {}

    /** True when a stream with this client message id was spooled before (whatever became of it since). */
    public synchronized boolean fileKnown(String clientMessageId) {
        try (PreparedStatement ps = conn.prepareStatement("SELECT 1 FROM room_files WHERE client_message_id = ?")) {
            ps.setString(1, clientMessageId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new BridgeException("reading the side-car's files failed: " + e.getMessage());
        }
    }

    /** Records a spooled stream (committed before this returns); false if this client message id was known already. */
    public synchronized boolean addFile(String clientMessageId, String path, String target) {
        try (PreparedStatement ps = conn.prepareStatement(
                "INSERT OR IGNORE INTO room_files (client_message_id, path, target, state, received_at) VALUES (?, ?, ?, 'spooled', ?)")) {
            ps.setString(1, clientMessageId);
            ps.setString(2, path);
            ps.setString(3, target);
            ps.setLong(4, System.currentTimeMillis());
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new BridgeException("storing a room file failed: " + e.getMessage());
        }
    }

    /** The spooled streams whose transfer has not ended yet ({@code spooled} and {@code sent}), oldest first. */
    public synchronized List<FileRow> openFiles() {
        List<FileRow> rows = new ArrayList<>();
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT client_message_id, path, target, transfer_id, state FROM room_files WHERE state <> 'finished' ORDER BY received_at")) {
            while (rs.next()) rows.add(new FileRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)));
            return rows;
        } catch (SQLException e) {
            throw new BridgeException("reading the side-car's files failed: " + e.getMessage());
        }
    }

    /** Moves a file row to {@code state} ({@code sent} with the daemon's transfer id, or {@code finished}). */
    public synchronized void fileState(String clientMessageId, String state, String transferId) {
        try (PreparedStatement ps = conn.prepareStatement(
                "UPDATE room_files SET state = ?, transfer_id = COALESCE(?, transfer_id) WHERE client_message_id = ?")) {
            ps.setString(1, state);
            ps.setString(2, transferId);
            ps.setString(3, clientMessageId);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new BridgeException("updating a room file failed: " + e.getMessage());
        }
    }

    /** Rows waiting now. */
    public synchronized int size() {
        return size;
    }

    @Override
    public synchronized void close() {
        try {
            conn.close();
        } catch (SQLException ignored) {
            // closing: nothing left to protect
        }
        closeQuietly(lock); // after the database: the next side-car must not open it while we still write
    }
}
