package dev.meshwire.peer.ipc.api;

import java.util.List;

/**
 * An outbox row ({@code GET /v1/messages/{id}}, items of {@code GET /v1/outbox}).
 *
 * @param state         pending, inflight, done, dead or aborted
 * @param nextAttemptAt present while pending
 * @param abortedBy     who aborted it ({@code operator} for a requeue)
 */
public record OutboxRow(String clientMessageId, String mesh, String state, int attempts, String lastError, String channel,
                        String priority, Destination destination, String replyToId, String fingerprintPrefix, String messageId,
                        long createdAt, long updatedAt, Long nextAttemptAt, Long doneAt, Long abortedAt, String abortedBy,
                        String supersededBy, String requeuedFrom, List<OutboxCopy> recipients) {}
