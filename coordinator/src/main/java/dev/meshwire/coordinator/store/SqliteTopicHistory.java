package dev.meshwire.coordinator.store;

import io.vertx.core.Future;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;

/** {@link TopicHistory} on the SQLite store's one connection and worker thread. */
final class SqliteTopicHistory implements TopicHistory {
    private final Connection conn;
    private final Function<Callable<?>, Future<?>> run;

    SqliteTopicHistory(Connection conn, Function<Callable<?>, Future<?>> run) {
        this.conn = conn;
        this.run = run;
    }

    @SuppressWarnings("unchecked")
    private <T> Future<T> run(Callable<T> work) {
        return (Future<T>) run.apply(work);
    }

    @Override
    public Future<Result> store(Post p) {
        return run(() -> {
            try (PreparedStatement find = conn.prepareStatement("SELECT message_id, fingerprint FROM topic_messages "
                    + "WHERE mesh_id = ? AND topic = ? AND sender = ? AND client_message_id = ?")) {
                find.setString(1, p.meshId());
                find.setString(2, p.topic());
                find.setString(3, p.sender());
                find.setString(4, p.clientMessageId());
                try (ResultSet rs = find.executeQuery()) {
                    if (rs.next()) {
                        String mid = rs.getString(1);
                        String fp = rs.getString(2);
                        return fp.equals(p.fingerprint()) ? new Result.Duplicate(mid) : new Result.Conflict(mid, fp);
                    }
                }
            }
            try (PreparedStatement ins = conn.prepareStatement("INSERT INTO topic_messages (mesh_id, topic, message_id, sender, "
                    + "client_message_id, fingerprint, envelope, created_at) VALUES (?,?,?,?,?,?,?,?)")) {
                ins.setString(1, p.meshId());
                ins.setString(2, p.topic());
                ins.setString(3, p.messageId());
                ins.setString(4, p.sender());
                ins.setString(5, p.clientMessageId());
                ins.setString(6, p.fingerprint());
                ins.setString(7, p.envelopeJson());
                ins.setLong(8, p.createdAt());
                ins.executeUpdate();
            }
            try (PreparedStatement seq = conn.prepareStatement("SELECT last_insert_rowid()"); ResultSet rs = seq.executeQuery()) {
                rs.next();
                return new Result.Accepted(p.messageId(), rs.getLong(1));
            }
        });
    }

    @Override
    public Future<java.util.Optional<Result.Conflict>> find(String meshId, String topic, String sender, String clientMessageId) {
        return run(() -> {
            try (PreparedStatement find = conn.prepareStatement("SELECT message_id, fingerprint FROM topic_messages "
                    + "WHERE mesh_id = ? AND topic = ? AND sender = ? AND client_message_id = ?")) {
                find.setString(1, meshId);
                find.setString(2, topic);
                find.setString(3, sender);
                find.setString(4, clientMessageId);
                try (ResultSet rs = find.executeQuery()) {
                    return rs.next() ? java.util.Optional.of(new Result.Conflict(rs.getString(1), rs.getString(2))) : java.util.Optional.empty();
                }
            }
        });
    }

    @Override
    public Future<List<Stored>> page(String meshId, String topic, long afterSeq, long since, int limit) {
        return run(() -> {
            try (PreparedStatement ps = conn.prepareStatement("SELECT seq, message_id, sender, envelope, created_at FROM topic_messages "
                    + "WHERE mesh_id = ? AND topic = ? AND seq > ? AND created_at >= ? ORDER BY seq LIMIT ?")) {
                ps.setString(1, meshId);
                ps.setString(2, topic);
                ps.setLong(3, afterSeq);
                ps.setLong(4, since);
                ps.setInt(5, limit);
                List<Stored> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(new Stored(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5)));
                }
                return out;
            }
        });
    }

    @Override
    public Future<Integer> prune(long before) {
        return run(() -> {
            try (PreparedStatement ps = conn.prepareStatement("DELETE FROM topic_messages WHERE created_at < ?")) {
                ps.setLong(1, before);
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public Future<Long> count(String meshId, String topic) {
        return run(() -> {
            try (PreparedStatement ps = conn.prepareStatement("SELECT COUNT(*) FROM topic_messages WHERE mesh_id = ? AND topic = ?")) {
                ps.setString(1, meshId);
                ps.setString(2, topic);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }
}
