package dev.meshwire.peer.ipc.api;

/** The query of {@code GET /v1/inbox}: {@code limit} 1..10000; {@code peek} lists without marking seen. */
public record InboxQuery(String mesh, int limit, boolean unread, boolean peek) {}
