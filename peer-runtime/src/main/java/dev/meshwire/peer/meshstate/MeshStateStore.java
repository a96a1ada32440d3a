package dev.meshwire.peer.meshstate;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.meshwire.peer.home.Sqlite;
import dev.meshwire.signaling.Json;
import dev.meshwire.signaling.meshstate.MeshEvent;
import dev.meshwire.signaling.meshstate.MeshSnapshot;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The daemon's replica of every joined mesh's state in SQLite ({@code daemon/meshstate.db}): the
 * verified events it holds (for {@code mesh log}, and to rebuild the state at start) and, when it
 * installed a signed snapshot, that snapshot as the base the later events apply to. Only verified
 * data is written here ({@link MeshReplica} checks before it stores), and the state is rebuilt by
 * verifying everything again at start, so a tampered file cannot slip in a member.
 *
 * <p>JDBC blocks: never call this from a Vert.x event loop. One connection, serialized by
 * {@code synchronized}.
 */
public final class MeshStateStore implements AutoCloseable {
    static final int SCHEMA_VERSION = 1;
    private final Connection conn;

    /** What is stored for one mesh: the installed snapshot (or null) and the events, oldest first. */
    public record Stored(MeshSnapshot base, List<MeshEvent> events) {}

    public MeshStateStore(Path dbFile) {
        try {
            conn = Sqlite.open(dbFile);
            int v = Sqlite.checkVersion(conn, "meshstate.db", SCHEMA_VERSION);
            if (v < 1) {
                Sqlite.migrate(conn, 1, """
                        CREATE TABLE mesh_event (
                          mesh_id TEXT NOT NULL,
                          version INTEGER NOT NULL,
                          hash TEXT NOT NULL,
                          kind TEXT NOT NULL,
                          at INTEGER NOT NULL,
                          actor TEXT NOT NULL,
                          event TEXT NOT NULL,
                          PRIMARY KEY (mesh_id, version)
                        )""", """
                        CREATE TABLE mesh_base (
                          mesh_id TEXT PRIMARY KEY,
                          version INTEGER NOT NULL,
                          snapshot TEXT NOT NULL,
                          installed_at INTEGER NOT NULL
                        )""");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open mesh state " + dbFile + ": " + e.getMessage(), e);
        }
    }

    public synchronized Stored load(String meshId) {
        try {
            MeshSnapshot base = null;
            try (PreparedStatement ps = conn.prepareStatement("SELECT snapshot FROM mesh_base WHERE mesh_id = ?")) {
                ps.setString(1, meshId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) base = Json.MAPPER.readValue(rs.getString(1), MeshSnapshot.class);
                }
            }
            return new Stored(base, events(meshId));
        } catch (SQLException | JsonProcessingException e) {
            throw new IllegalStateException("cannot read the mesh state of " + meshId + ": " + e.getMessage(), e);
        }
    }

    /** Every stored event of the mesh, oldest first. */
    public synchronized List<MeshEvent> events(String meshId) {
        List<MeshEvent> out = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement("SELECT event FROM mesh_event WHERE mesh_id = ? ORDER BY version")) {
            ps.setString(1, meshId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(Json.MAPPER.readValue(rs.getString(1), MeshEvent.class));
            }
            return out;
        } catch (SQLException | JsonProcessingException e) {
            throw new IllegalStateException("cannot read the mesh events of " + meshId + ": " + e.getMessage(), e);
        }
    }

    /** The hash of the stored event at {@code version}, or null. */
    public synchronized String hashAt(String meshId, long version) {
        try (PreparedStatement ps = conn.prepareStatement("SELECT hash FROM mesh_event WHERE mesh_id = ? AND version = ?")) {
            ps.setString(1, meshId);
            ps.setLong(2, version);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the mesh events of " + meshId + ": " + e.getMessage(), e);
        }
    }

    public synchronized long count(String meshId) {
        try (PreparedStatement ps = conn.prepareStatement("SELECT count(*) FROM mesh_event WHERE mesh_id = ?")) {
            ps.setString(1, meshId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot count the mesh events of " + meshId + ": " + e.getMessage(), e);
        }
    }

    /** Appends verified events (already checked to follow the stored head), in one transaction. */
    public synchronized void append(String meshId, List<MeshEvent> events) {
        if (events.isEmpty()) return;
        tx(() -> insert(meshId, events));
    }

    /**
     * Installs a verified snapshot as the new base: the stored events become {@code keep} (the part of
     * the old history the snapshot's head chains to) plus the snapshot's head event.
     */
    public synchronized void install(String meshId, MeshSnapshot snapshot, List<MeshEvent> keep, long now) {
        tx(() -> {
            try (PreparedStatement del = conn.prepareStatement("DELETE FROM mesh_event WHERE mesh_id = ?")) {
                del.setString(1, meshId);
                del.executeUpdate();
            }
            List<MeshEvent> all = new ArrayList<>(keep);
            all.add(snapshot.headEvent());
            insert(meshId, all);
            try (PreparedStatement ps = conn.prepareStatement(
                    "INSERT OR REPLACE INTO mesh_base (mesh_id, version, snapshot, installed_at) VALUES (?, ?, ?, ?)")) {
                ps.setString(1, meshId);
                ps.setLong(2, snapshot.version());
                ps.setString(3, json(snapshot));
                ps.setLong(4, now);
                ps.executeUpdate();
            }
        });
    }

    /** Forgets everything about a mesh (it was left, or a join failed). */
    public synchronized void forget(String meshId) {
        tx(() -> {
            for (String t : List.of("mesh_event", "mesh_base")) {
                try (PreparedStatement ps = conn.prepareStatement("DELETE FROM " + t + " WHERE mesh_id = ?")) {
                    ps.setString(1, meshId);
                    ps.executeUpdate();
                }
            }
        });
    }

    private void insert(String meshId, List<MeshEvent> events) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(
                "INSERT OR REPLACE INTO mesh_event (mesh_id, version, hash, kind, at, actor, event) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            for (MeshEvent e : events) {
                ps.setString(1, meshId);
                ps.setLong(2, e.version());
                ps.setString(3, e.hash());
                ps.setString(4, e.kind());
                ps.setLong(5, e.at());
                ps.setString(6, e.actor());
                ps.setString(7, json(e));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private interface SqlWork {
        void run() throws SQLException;
    }

    private void tx(SqlWork work) {
        try {
            conn.setAutoCommit(false);
            try {
                work.run();
                conn.commit();
            } catch (SQLException | RuntimeException e) {
                conn.rollback();
                throw e;
            } finally {
                conn.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("mesh state write failed: " + e.getMessage(), e);
        }
    }

    private static String json(Object o) {
        try {
            return Json.MAPPER.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            conn.close();
        } catch (SQLException ignored) {
            // shutting down
        }
    }
}
