package dev.meshwire.peer.ipc.api;

import java.util.List;

/**
 * {@code POST /v1/send} (202 accepted, 200 already done).
 *
 * @param status    {@code accepted_pending}, {@code accepted_inflight} (duplicate of a send in flight) or {@code done}
 *                  (duplicate of a delivered send); the one status field of a send
 * @param duplicate true when the id was already in the outbox with the same content
 * @param messageId the coordinator's id once known
 */
public record SendReply(String mesh, String clientMessageId, String status, boolean duplicate, String channel, String priority,
                        String fingerprintPrefix, String messageId, List<SendRecipient> recipients) {}
