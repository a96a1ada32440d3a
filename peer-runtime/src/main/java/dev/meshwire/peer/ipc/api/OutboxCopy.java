package dev.meshwire.peer.ipc.api;

/**
 * One recipient's copy of an outbox row.
 *
 * @param ackStatus   the answer that completed the copy (docs/ipc.md lists the values)
 * @param delivery    {@code delivered} (the recipient's daemon stored it: its direct ack, or the coordinator's receipt),
 *                    {@code accepted} (the coordinator holds it, no receipt yet), else the copy's state
 * @param deliveredAt when the recipient's daemon was known to have stored it
 */
public record OutboxCopy(String name, String pubkey, String state, String delivery, int attempts, String lastError, String messageId, String ackStatus,
                         Long nextAttemptAt, Long doneAt, Long deliveredAt) {}
