package dev.meshwire.peer.inbox;

/**
 * A received, verified and decrypted message.
 *
 * @param id                local row id (0 before insert)
 * @param meshId            coordinator mesh id
 * @param meshName          local mesh name
 * @param senderPubkey      sender's Ed25519 public key (hex)
 * @param senderName        sender's display name when known at receipt
 * @param clientMessageId   the sender's idempotency id (envelope meta)
 * @param messageId         the coordinator's id for this delivery (may differ between duplicates)
 * @param channel           dm | group | ...
 * @param priority          now | next | low
 * @param text              the decrypted UTF-8 body
 * @param path              how it arrived, e.g. "coordinator relay"
 * @param sentAt            sender's meta.createdAt (epoch ms) or null
 * @param receivedAt        epoch ms of first receipt
 * @param seenAt            epoch ms when first listed by {@code inbox}, or null
 * @param session           the session key it was addressed to and delivered on (a session held by this daemon),
 *                          or null for the member itself
 */
public record InboxMessage(long id, String meshId, String meshName, String senderPubkey, String senderName,
                           String clientMessageId, String messageId, String channel, String priority, String text,
                           String path, Long sentAt, long receivedAt, Long seenAt, String session) {
    /** A message for the member itself. */
    public InboxMessage(long id, String meshId, String meshName, String senderPubkey, String senderName,
                        String clientMessageId, String messageId, String channel, String priority, String text,
                        String path, Long sentAt, long receivedAt, Long seenAt) {
        this(id, meshId, meshName, senderPubkey, senderName, clientMessageId, messageId, channel, priority, text, path, sentAt,
                receivedAt, seenAt, null);
    }
}
