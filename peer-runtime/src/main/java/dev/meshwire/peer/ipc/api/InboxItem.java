package dev.meshwire.peer.ipc.api;

/**
 * A received message or a system entry: an item of {@code GET /v1/inbox} and the data of the SSE {@code message} event
 * (user messages) and {@code system} event (system entries: {@code channel} is {@code system}, {@code from} is the mesh
 * authority's key, {@code text} describes the mesh event, {@code eventKind} and {@code eventVersion} name it).
 *
 * @param id      the inbox row id (a positive integer, for {@code DELETE /v1/inbox/{id}})
 * @param channel dm, group, topic, or system
 * @param path    how it arrived: {@code relay}, {@code direct host|srflx|prflx}, {@code turn udp|tcp|tls}
 * @param seenAt  epoch ms when first listed; absent while unread
 * @param session the key of the session held by this daemon that the message was addressed to; absent for the member
 * @param target    the fan-out target ({@code @group}, {@code #topic}, {@code *}); absent for a dm
 * @param replyToId the id of the message this one replies to; absent when none
 * @param mentions  the names or keys the sender mentioned; absent when none
 * @param mentionsMe true when the mentions name the recipient (its key, or its display name); absent otherwise
 * @param eventKind    a system entry's mesh event kind ({@code member_joined}, ..., or {@code snapshot_installed}); absent
 *                     for user messages
 * @param eventVersion a system entry's mesh-state version; absent for user messages
 */
public record InboxItem(long id, String mesh, String meshId, PeerRef from, String text, String priority, String channel,
                        String clientMessageId, String messageId, String path, Long sentAt, long receivedAt, Long seenAt,
                        String session, String target, String replyToId, java.util.List<String> mentions, Boolean mentionsMe,
                        String eventKind, Long eventVersion)
        implements EventData {
    public InboxItem(long id, String mesh, String meshId, PeerRef from, String text, String priority, String channel,
                     String clientMessageId, String messageId, String path, Long sentAt, long receivedAt, Long seenAt,
                     String session, String target, String replyToId, java.util.List<String> mentions) {
        this(id, mesh, meshId, from, text, priority, channel, clientMessageId, messageId, path, sentAt, receivedAt, seenAt, session,
                target, replyToId, mentions, null, null, null);
    }

    /** True for a system entry (made by the daemon from a verified mesh-state event, never sent by a member). */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean system() {
        return "system".equals(channel);
    }

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
