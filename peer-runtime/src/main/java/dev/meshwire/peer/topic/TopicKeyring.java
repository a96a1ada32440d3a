package dev.meshwire.peer.topic;

import dev.meshwire.peer.home.Sqlite;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The daemon's topic keys (docs/storage.md "Topic keyring"), in its own SQLite file (0600, through {@link Sqlite}):
 * every epoch's key this member ever opened from a seal, kept after rotations so that the history it could read stays
 * readable to it; and the topic posts that arrived before their key (a joiner gets posts before a member re-seals the
 * key for it), settled once the key is here. Keys only ever enter from a verified seal (the state's or an applied
 * event's) whose key check matched. Blocking JDBC, one connection, {@code synchronized}.
 */
public final class TopicKeyring implements AutoCloseable {
    private static final int SCHEMA_VERSION = 1;
    private final Connection conn;

    public TopicKeyring(Path dbFile) {
        try {
            conn = Sqlite.open(dbFile);
            Sqlite.checkVersion(conn, "topic keyring " + dbFile, SCHEMA_VERSION);
            if (Sqlite.userVersion(conn) < 1) {
                Sqlite.migrate(conn, 1, """
                        CREATE TABLE topic_keys (
                          mesh_id    TEXT NOT NULL,
                          topic      TEXT NOT NULL,
                          epoch      INTEGER NOT NULL,
                          topic_key  BLOB NOT NULL,
                          key_check  TEXT NOT NULL,
                          added_at   INTEGER NOT NULL,
                          PRIMARY KEY (mesh_id, topic, epoch)
                        )""", """
                        CREATE TABLE topic_waiting (
                          id                INTEGER PRIMARY KEY AUTOINCREMENT,
                          mesh_id           TEXT NOT NULL,
                          topic             TEXT NOT NULL,
                          epoch             INTEGER NOT NULL,
                          sender            TEXT NOT NULL,
                          client_message_id TEXT NOT NULL,
                          message_id        TEXT,
                          path              TEXT NOT NULL,
                          envelope          TEXT NOT NULL,
                          received_at       INTEGER NOT NULL,
                          UNIQUE (mesh_id, sender, client_message_id)
                        )""");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open topic keyring " + dbFile + ": " + e.getMessage(), e);
        }
    }

    /** Stores the key of ({@code mesh}, {@code topic}, {@code epoch}) unless one is there; returns whether it is new. */
    public synchronized boolean put(String mesh, String topic, long epoch, byte[] key, String keyCheck) {
        try (PreparedStatement ps = conn.prepareStatement("INSERT OR IGNORE INTO topic_keys (mesh_id, topic, epoch, topic_key, key_check, added_at) "
                + "VALUES (?,?,?,?,?,?)")) {
            ps.setString(1, mesh);
            ps.setString(2, topic);
            ps.setLong(3, epoch);
            ps.setBytes(4, key);
            ps.setString(5, keyCheck);
            ps.setLong(6, System.currentTimeMillis());
            return ps.executeUpdate() > 0;
        } catch (SQLException e) {
            throw new IllegalStateException("topic keyring: " + e.getMessage(), e);
        }
    }

    /** The key of an epoch, if this member ever held it. */
    public synchronized Optional<byte[]> key(String mesh, String topic, long epoch) {
        try (PreparedStatement ps = conn.prepareStatement("SELECT topic_key FROM topic_keys WHERE mesh_id = ? AND topic = ? AND epoch = ?")) {
            ps.setString(1, mesh);
            ps.setString(2, topic);
            ps.setLong(3, epoch);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("topic keyring: " + e.getMessage(), e);
        }
    }

    /** The key check stored with an epoch's key (to tell a key of an earlier topic of the same name apart). */
    public synchronized Optional<String> keyCheck(String mesh, String topic, long epoch) {
        try (PreparedStatement ps = conn.prepareStatement("SELECT key_check FROM topic_keys WHERE mesh_id = ? AND topic = ? AND epoch = ?")) {
            ps.setString(1, mesh);
            ps.setString(2, topic);
            ps.setLong(3, epoch);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("topic keyring: " + e.getMessage(), e);
        }
    }

    /** Forgets the keys of a topic (it was deleted and its name may be reused), or of a whole mesh ({@code topic} null). */
    public synchronized void forget(String mesh, String topic) {
        try (PreparedStatement ps = conn.prepareStatement(topic == null ? "DELETE FROM topic_keys WHERE mesh_id = ?"
                : "DELETE FROM topic_keys WHERE mesh_id = ? AND topic = ?")) {
            ps.setString(1, mesh);
            if (topic != null) ps.setString(2, topic);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("topic keyring: " + e.getMessage(), e);
        }
    }

    /** A post waiting for the key of its epoch. */
    public record Waiting(long id, String mesh, String topic, long epoch, String sender, String clientMessageId, String messageId,
                          String path, String envelopeJson) {}

    /** Keeps a post until its key arrives; false when it is already waiting (a redelivery). */
    public synchronized boolean park(Waiting w) {
        try (PreparedStatement ps = conn.prepareStatement("INSERT OR IGNORE INTO topic_waiting (mesh_id, topic, epoch, sender, client_message_id, "
                + "message_id, path, envelope, received_at) VALUES (?,?,?,?,?,?,?,?,?)")) {
            ps.setString(1, w.mesh());
            ps.setString(2, w.topic());
            ps.setLong(3, w.epoch());
            ps.setString(4, w.sender());
            ps.setString(5, w.clientMessageId());
            ps.setString(6, w.messageId());
            ps.setString(7, w.path());
            ps.setString(8, w.envelopeJson());
            ps.setLong(9, System.currentTimeMillis());
            return ps.executeUpdate() > 0;
        } catch (SQLException e) {
            throw new IllegalStateException("topic keyring: " + e.getMessage(), e);
        }
    }

    /** Posts of a topic waiting for a key, oldest first. */
    public synchronized List<Waiting> waiting(String mesh, String topic) {
        try (PreparedStatement ps = conn.prepareStatement("SELECT id, epoch, sender, client_message_id, message_id, path, envelope FROM topic_waiting "
                + "WHERE mesh_id = ? AND topic = ? ORDER BY id")) {
            ps.setString(1, mesh);
            ps.setString(2, topic);
            List<Waiting> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Waiting(rs.getLong(1), mesh, topic, rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getString(6), rs.getString(7)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("topic keyring: " + e.getMessage(), e);
        }
    }

    /** Drops a waiting post (settled into the inbox, or never openable). */
    public synchronized void settled(long id) {
        try (PreparedStatement ps = conn.prepareStatement("DELETE FROM topic_waiting WHERE id = ?")) {
            ps.setLong(1, id);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("topic keyring: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            conn.close();
        } catch (SQLException e) {
            // closing at shutdown: nothing left to do with it
        }
    }
}
