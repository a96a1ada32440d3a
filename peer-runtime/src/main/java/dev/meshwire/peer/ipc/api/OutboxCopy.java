package dev.meshwire.peer.ipc.api;

/**
 * One recipient's copy of an outbox row.
 *
 * @param ackStatus the recipient-side answer that completed the copy (docs/ipc.md lists the values)
 */
public record OutboxCopy(String name, String pubkey, String state, int attempts, String lastError, String messageId, String ackStatus,
                         Long nextAttemptAt, Long doneAt) {}
