package dev.meshwire.coordinator.store;

import io.vertx.core.Future;
import java.util.List;

/**
 * The coordinator's topic history (docs/protocol.md §12.2 "History", docs/storage.md "Topic history"): every
 * accepted topic post as the sender's envelope (ciphertext; the coordinator never holds a topic key), kept for the
 * configured window. Both stores implement it on their own connection and thread ({@link CoordinatorStore#topicHistory}).
 */
public interface TopicHistory {

    /** One post to store. The dedupe key is (mesh, topic, sender, clientMessageId). */
    record Post(String messageId, String meshId, String topic, String sender, String clientMessageId, String fingerprint,
                String envelopeJson, long createdAt) {}

    /** A stored post: {@code seq} orders a topic's history (grows with every insert). */
    record Stored(long seq, String messageId, String sender, String envelopeJson, long createdAt) {}

    /** What {@link #store} decided. */
    sealed interface Result {
        /** Inserted now. */
        record Accepted(String messageId, long seq) implements Result {}

        /** The key exists with the same fingerprint: nothing inserted; {@code messageId} is the original. */
        record Duplicate(String messageId) implements Result {}

        /** The key exists with another fingerprint: nothing inserted. */
        record Conflict(String messageId, String fingerprint) implements Result {}
    }

    /** The post stored under the dedupe key (mesh, topic, sender, clientMessageId), if any: {@code [messageId, fingerprint]}. */
    Future<java.util.Optional<Result.Conflict>> find(String meshId, String topic, String sender, String clientMessageId);

    /** Inserts {@code post} unless its dedupe key exists (then Duplicate or Conflict), in one statement. */
    Future<Result> store(Post post);

    /**
     * Posts of {@code topic} with seq &gt; {@code afterSeq} and created at or after {@code since}, oldest first, at most
     * {@code limit}.
     */
    Future<List<Stored>> page(String meshId, String topic, long afterSeq, long since, int limit);

    /** Deletes every post created before {@code before}; returns how many. */
    Future<Integer> prune(long before);

    /** The number of stored posts of a topic (tests, operations). */
    Future<Long> count(String meshId, String topic);
}
