package dev.meshwire.peer.stream;

import dev.meshwire.peer.home.Sqlite;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The daemon's file transfers in SQLite ({@code daemon/files.db}): one row per (direction, peer, streamId). It holds
 * the receiver's <b>committed offset</b> — written only after the partial file's data up to it was fsync'd — which is
 * what a resume starts from after a crash. Chunks themselves are never stored here (a row per chunk of a 1 GiB file
 * would be 4,096 writes of nothing useful): the file on disk is the data. JDBC blocks: never on an event loop.
 */
public final class TransferStore implements AutoCloseable {
    private static final int SCHEMA_VERSION = 2;
    private static final String COLUMNS = "stream_id, direction, mesh_id, peer, peer_name, name, size, sha256, chunk_size, local_path, "
            + "state, committed, bytes_sent, via, error, created_at, updated_at, finished_at, self, subpeer";
    private final Connection conn;

    public TransferStore(Path dbFile) {
        try {
            conn = Sqlite.open(dbFile);
            int v = Sqlite.checkVersion(conn, "file transfer database " + dbFile, SCHEMA_VERSION);
            if (v < 1) {
                Sqlite.migrate(conn, 1, """
                        CREATE TABLE transfer (
                          stream_id TEXT NOT NULL,
                          direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
                          mesh_id TEXT NOT NULL,
                          peer TEXT NOT NULL,
                          peer_name TEXT,
                          name TEXT NOT NULL,
                          size INTEGER NOT NULL,
                          sha256 TEXT NOT NULL,
                          chunk_size INTEGER NOT NULL,
                          local_path TEXT,
                          state TEXT NOT NULL,
                          committed INTEGER NOT NULL DEFAULT 0,
                          bytes_sent INTEGER NOT NULL DEFAULT 0,
                          via TEXT,
                          error TEXT,
                          created_at INTEGER NOT NULL,
                          updated_at INTEGER NOT NULL,
                          finished_at INTEGER,
                          PRIMARY KEY (direction, peer, stream_id)
                        )""", "CREATE INDEX transfer_created ON transfer(created_at)");
            }
            if (v < 2) {
                // v2: transfers of a delegated service this daemon holds (self = its key) for a sub-peer (docs/protocol.md §12.4)
                Sqlite.migrate(conn, 2, "ALTER TABLE transfer ADD COLUMN self TEXT", "ALTER TABLE transfer ADD COLUMN subpeer TEXT");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open file transfer database " + dbFile + ": " + e.getMessage(), e);
        }
    }

    /** Inserts {@code t}; false when a row with its key exists already (nothing changed). */
    public synchronized boolean insert(Transfer t) {
        try (PreparedStatement ps = conn.prepareStatement("INSERT OR IGNORE INTO transfer (" + COLUMNS
                + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
            bind(ps, t);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record transfer " + t.streamId() + ": " + e.getMessage(), e);
        }
    }

    /** Writes every mutable column of {@code t} (matched by its key). */
    public synchronized void update(Transfer t) {
        try (PreparedStatement ps = conn.prepareStatement("UPDATE transfer SET peer_name=?, name=?, local_path=?, state=?, committed=?, "
                + "bytes_sent=?, via=?, error=?, updated_at=?, finished_at=? WHERE direction=? AND peer=? AND stream_id=?")) {
            ps.setString(1, t.peerName());
            ps.setString(2, t.name());
            ps.setString(3, t.localPath());
            ps.setString(4, t.state());
            ps.setLong(5, t.offset());
            ps.setLong(6, t.bytesSent());
            ps.setString(7, t.via());
            ps.setString(8, t.error());
            ps.setLong(9, t.updatedAt());
            if (t.finishedAt() == null) ps.setNull(10, Types.INTEGER);
            else ps.setLong(10, t.finishedAt());
            ps.setString(11, t.direction());
            ps.setString(12, t.peer());
            ps.setString(13, t.streamId());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot update transfer " + t.streamId() + ": " + e.getMessage(), e);
        }
    }

    public synchronized Optional<Transfer> get(String direction, String peer, String streamId) {
        List<Transfer> l = query("WHERE direction=? AND peer=? AND stream_id=?", direction, peer, streamId);
        return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
    }

    /** Every transfer whose id starts with {@code idPrefix} (both directions), newest first. */
    public synchronized List<Transfer> byIdPrefix(String idPrefix) {
        return query("WHERE stream_id LIKE ? ORDER BY created_at DESC", idPrefix.replace("%", "").replace("_", "") + "%");
    }

    /** Incoming transfers from {@code peer} still waiting for the user's accept. */
    public synchronized int offeredBy(String peer) {
        return query("WHERE direction='in' AND state='offered' AND peer=?", peer).size();
    }

    /** Transfers not in a terminal state. */
    public synchronized List<Transfer> unfinished() {
        return query("WHERE state NOT IN ('done', 'failed') ORDER BY created_at");
    }

    /** The finished incoming transfers of the held service {@code self} (oldest first): the files it has to deliver. */
    public synchronized List<Transfer> receivedBy(String self) {
        return query("WHERE direction='in' AND state='done' AND self=? AND local_path IS NOT NULL ORDER BY finished_at, created_at", self);
    }

    /** Incoming files from {@code peer} for the held service {@code self} that are still on disk (arriving or undelivered). */
    public synchronized int heldFor(String self, String peer) {
        return query("WHERE direction='in' AND self=? AND peer=? AND state != 'failed' AND local_path IS NOT NULL", self, peer).size();
    }

    /** The newest {@code limit} transfers. */
    public synchronized List<Transfer> recent(int limit) {
        return query("ORDER BY created_at DESC LIMIT " + Math.max(1, limit));
    }

    private List<Transfer> query(String where, String... args) {
        try (PreparedStatement ps = conn.prepareStatement("SELECT " + COLUMNS + " FROM transfer " + where)) {
            for (int i = 0; i < args.length; i++) ps.setString(i + 1, args[i]);
            List<Transfer> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long fin = rs.getLong(18);
                    Long finished = rs.wasNull() ? null : fin;
                    out.add(new Transfer(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getString(6), rs.getLong(7), rs.getString(8), rs.getInt(9), rs.getString(10), rs.getString(11),
                            rs.getLong(12), rs.getLong(13), rs.getString(14), rs.getString(15), rs.getLong(16), rs.getLong(17), finished,
                            rs.getString(19), rs.getString(20)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read transfers: " + e.getMessage(), e);
        }
    }

    private static void bind(PreparedStatement ps, Transfer t) throws SQLException {
        ps.setString(1, t.streamId());
        ps.setString(2, t.direction());
        ps.setString(3, t.meshId());
        ps.setString(4, t.peer());
        ps.setString(5, t.peerName());
        ps.setString(6, t.name());
        ps.setLong(7, t.size());
        ps.setString(8, t.sha256());
        ps.setInt(9, t.chunkSize());
        ps.setString(10, t.localPath());
        ps.setString(11, t.state());
        ps.setLong(12, t.offset());
        ps.setLong(13, t.bytesSent());
        ps.setString(14, t.via());
        ps.setString(15, t.error());
        ps.setLong(16, t.createdAt());
        ps.setLong(17, t.updatedAt());
        if (t.finishedAt() == null) ps.setNull(18, Types.INTEGER);
        else ps.setLong(18, t.finishedAt());
        ps.setString(19, t.self());
        ps.setString(20, t.subpeer());
    }

    @Override
    public synchronized void close() {
        try {
            conn.close();
        } catch (SQLException e) {
            // closing at shutdown: nothing left to do with the error
        }
    }
}
