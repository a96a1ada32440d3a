package dev.meshwire.peer.ipc.api;

/**
 * The query of {@code GET /v1/inbox}: {@code limit} 1..10000; {@code peek} lists without marking seen; {@code kind}
 * {@code messages} (user messages, the default when null), {@code system} (system entries, docs/protocol.md §12.5) or
 * {@code all}.
 */
public record InboxQuery(String mesh, int limit, boolean unread, boolean peek, String kind) {
    /** User messages only. */
    public InboxQuery(String mesh, int limit, boolean unread, boolean peek) {
        this(mesh, limit, unread, peek, null);
    }
}
