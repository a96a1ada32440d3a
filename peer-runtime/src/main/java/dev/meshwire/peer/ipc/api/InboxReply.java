package dev.meshwire.peer.ipc.api;

import java.util.List;

/** {@code GET /v1/inbox}: messages oldest first, and the unread count after this listing. */
public record InboxReply(List<InboxItem> items, long unread) {}
