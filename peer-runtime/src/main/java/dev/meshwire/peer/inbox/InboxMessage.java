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
 * @param target            the envelope's target for fan-out channels ({@code @group}, {@code #topic}, {@code *}),
 *                          null for a dm
 * @param replyToId         the sender's {@code meta.replyToId}, or null
 * @param mentions          the sender's {@code meta.mentions} (names or keys), empty when none
 * @param eventKind         for a {@code system} entry: the mesh event's kind (or {@code snapshot_installed}); else null
 * @param eventVersion      for a {@code system} entry: the mesh-state version it describes; else null
 * @param mentionsMe        the mentions name the recipient (its key, or its display name at receipt)
 */
public record InboxMessage(long id, String meshId, String meshName, String senderPubkey, String senderName,
                           String clientMessageId, String messageId, String channel, String priority, String text,
                           String path, Long sentAt, long receivedAt, Long seenAt, String session, String target,
                           String replyToId, java.util.List<String> mentions, String eventKind, Long eventVersion,
                           boolean mentionsMe) {
    /** The channel of the daemon's own entries made from verified mesh-state events (docs/protocol.md §12.5). */
    public static final String SYSTEM = "system";

    public InboxMessage {
        mentions = mentions == null ? java.util.List.of() : java.util.List.copyOf(mentions);
    }

    /** A user message (not a system entry). */
    public InboxMessage(long id, String meshId, String meshName, String senderPubkey, String senderName,
                        String clientMessageId, String messageId, String channel, String priority, String text,
                        String path, Long sentAt, long receivedAt, Long seenAt, String session, String target,
                        String replyToId, java.util.List<String> mentions, boolean mentionsMe) {
        this(id, meshId, meshName, senderPubkey, senderName, clientMessageId, messageId, channel, priority, text, path, sentAt,
                receivedAt, seenAt, session, target, replyToId, mentions, null, null, mentionsMe);
    }

    /** A user message that mentions nobody here. */
    public InboxMessage(long id, String meshId, String meshName, String senderPubkey, String senderName,
                        String clientMessageId, String messageId, String channel, String priority, String text,
                        String path, Long sentAt, long receivedAt, Long seenAt, String session, String target,
                        String replyToId, java.util.List<String> mentions) {
        this(id, meshId, meshName, senderPubkey, senderName, clientMessageId, messageId, channel, priority, text, path, sentAt,
                receivedAt, seenAt, session, target, replyToId, mentions, false);
    }

    /** True for the daemon's own entries made from mesh-state events. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean system() {
        return SYSTEM.equals(channel);
    }

    /** A message without target, reply or mentions. */
    public InboxMessage(long id, String meshId, String meshName, String senderPubkey, String senderName,
                        String clientMessageId, String messageId, String channel, String priority, String text,
                        String path, Long sentAt, long receivedAt, Long seenAt, String session) {
        this(id, meshId, meshName, senderPubkey, senderName, clientMessageId, messageId, channel, priority, text, path, sentAt,
                receivedAt, seenAt, session, null, null, null);
    }

    /** This message as stored under row {@code rowId}, unread. */
    public InboxMessage stored(long rowId) {
        return new InboxMessage(rowId, meshId, meshName, senderPubkey, senderName, clientMessageId, messageId, channel, priority, text,
                path, sentAt, receivedAt, null, session, target, replyToId, mentions, eventKind, eventVersion, mentionsMe);
    }

    /** A message for the member itself. */
    public InboxMessage(long id, String meshId, String meshName, String senderPubkey, String senderName,
                        String clientMessageId, String messageId, String channel, String priority, String text,
                        String path, Long sentAt, long receivedAt, Long seenAt) {
        this(id, meshId, meshName, senderPubkey, senderName, clientMessageId, messageId, channel, priority, text, path, sentAt,
                receivedAt, seenAt, null);
    }
}
