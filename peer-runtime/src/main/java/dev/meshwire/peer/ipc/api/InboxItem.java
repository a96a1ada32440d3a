package dev.meshwire.peer.ipc.api;

/**
 * A received message: an item of {@code GET /v1/inbox} and the data of the SSE {@code message} event.
 *
 * @param id      the inbox row id (a positive integer, for {@code DELETE /v1/inbox/{id}})
 * @param channel dm or group
 * @param path    how it arrived: {@code relay}, {@code direct host|srflx|prflx}, {@code turn udp|tcp|tls}
 * @param seenAt  epoch ms when first listed; absent while unread
 * @param session the key of the session held by this daemon that the message was addressed to; absent for the member
 * @param target    the fan-out target ({@code @group}, {@code #topic}, {@code *}); absent for a dm
 * @param replyToId the id of the message this one replies to; absent when none
 * @param mentions  the names or keys the sender mentioned; absent when none
 */
public record InboxItem(long id, String mesh, String meshId, PeerRef from, String text, String priority, String channel,
                        String clientMessageId, String messageId, String path, Long sentAt, long receivedAt, Long seenAt,
                        String session, String target, String replyToId, java.util.List<String> mentions)
        implements EventData {
    public InboxItem(long id, String mesh, String meshId, PeerRef from, String text, String priority, String channel,
                     String clientMessageId, String messageId, String path, Long sentAt, long receivedAt, Long seenAt,
                     String session) {
        this(id, mesh, meshId, from, text, priority, channel, clientMessageId, messageId, path, sentAt, receivedAt, seenAt, session,
                null, null, null);
    }

    public InboxItem(long id, String mesh, String meshId, PeerRef from, String text, String priority, String channel,
                     String clientMessageId, String messageId, String path, Long sentAt, long receivedAt, Long seenAt) {
        this(id, mesh, meshId, from, text, priority, channel, clientMessageId, messageId, path, sentAt, receivedAt, seenAt, null);
    }
}
