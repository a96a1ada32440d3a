package dev.meshwire.peer.ipc.api;

/**
 * The body of {@code POST /v1/session/send}: as {@code POST /v1/send} ({@code to} a name, key, key prefix,
 * {@code <member>/<label>} of a session, or {@code *}), sent by the session named by the {@code Meshwire-Session} header;
 * {@code replyToId} (optional) the client message id this replies to ({@code meta.replyToId}, docs/protocol.md §12.6).
 */
public record SessionSendRequest(String to, String message, String priority, String clientMessageId, String replyToId) {
    /** Not a reply ({@code replyToId} null). */
    public SessionSendRequest(String to, String message, String priority, String clientMessageId) {
        this(to, message, priority, clientMessageId, null);
    }
}
