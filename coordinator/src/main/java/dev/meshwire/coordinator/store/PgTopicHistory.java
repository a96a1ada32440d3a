package dev.meshwire.coordinator.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * {@link TopicHistory} on the PostgreSQL store's pool. The insert is one statement ({@code ON CONFLICT DO NOTHING}),
 * so concurrent retries of one post on several coordinators insert it once.
 */
final class PgTopicHistory implements TopicHistory {
    private final Function<Function<Pool, Future<?>>, Future<?>> guard;

    PgTopicHistory(Function<Function<Pool, Future<?>>, Future<?>> guard) {
        this.guard = guard;
    }

    @SuppressWarnings("unchecked")
    private <T> Future<T> guard(Function<Pool, Future<T>> work) {
        return (Future<T>) guard.apply(p -> work.apply(p));
    }

    @Override
    public Future<Result> store(Post p) {
        return guard(pool -> pool.preparedQuery("INSERT INTO topic_messages (mesh_id, topic, message_id, sender, client_message_id, "
                        + "fingerprint, envelope, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8) ON CONFLICT DO NOTHING RETURNING seq")
                .execute(Tuple.from(new Object[] {p.meshId(), p.topic(), p.messageId(), p.sender(), p.clientMessageId(), p.fingerprint(),
                        p.envelopeJson(), p.createdAt()}))
                .compose(rs -> {
                    if (rs.rowCount() > 0) return Future.succeededFuture((Result) new Result.Accepted(p.messageId(), rs.iterator().next().getLong(0)));
                    return pool.preparedQuery("SELECT message_id, fingerprint FROM topic_messages "
                                    + "WHERE mesh_id = $1 AND topic = $2 AND sender = $3 AND client_message_id = $4")
                            .execute(Tuple.of(p.meshId(), p.topic(), p.sender(), p.clientMessageId()))
                            .map(found -> {
                                Row r = found.iterator().next();
                                String mid = r.getString(0);
                                String fp = r.getString(1);
                                return fp.equals(p.fingerprint()) ? new Result.Duplicate(mid) : new Result.Conflict(mid, fp);
                            });
                }));
    }

    @Override
    public Future<java.util.Optional<Result.Conflict>> find(String meshId, String topic, String sender, String clientMessageId) {
        return guard(pool -> pool.preparedQuery("SELECT message_id, fingerprint FROM topic_messages "
                        + "WHERE mesh_id = $1 AND topic = $2 AND sender = $3 AND client_message_id = $4")
                .execute(Tuple.of(meshId, topic, sender, clientMessageId))
                .map(rs -> {
                    var it = rs.iterator();
                    if (!it.hasNext()) return java.util.Optional.<Result.Conflict>empty();
                    Row r = it.next();
                    return java.util.Optional.of(new Result.Conflict(r.getString(0), r.getString(1)));
                }));
    }

    @Override
    public Future<List<Stored>> page(String meshId, String topic, long afterSeq, long since, int limit) {
        return guard(pool -> pool.preparedQuery("SELECT seq, message_id, sender, envelope, created_at FROM topic_messages "
                        + "WHERE mesh_id = $1 AND topic = $2 AND seq > $3 AND created_at >= $4 ORDER BY seq LIMIT $5")
                .execute(Tuple.of(meshId, topic, afterSeq, since, limit))
                .map(rs -> {
                    List<Stored> out = new ArrayList<>(rs.rowCount());
                    for (Row r : rs) out.add(new Stored(r.getLong(0), r.getString(1), r.getString(2), r.getString(3), r.getLong(4)));
                    return out;
                }));
    }

    @Override
    public Future<Integer> prune(long before) {
        return guard(pool -> pool.preparedQuery("DELETE FROM topic_messages WHERE created_at < $1").execute(Tuple.of(before))
                .map(rs -> rs.rowCount()));
    }

    @Override
    public Future<Long> count(String meshId, String topic) {
        return guard(pool -> pool.preparedQuery("SELECT COUNT(*) FROM topic_messages WHERE mesh_id = $1 AND topic = $2")
                .execute(Tuple.of(meshId, topic)).map(rs -> rs.iterator().next().getLong(0)));
    }
}
