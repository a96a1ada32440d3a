package dev.meshwire.peer.ipc.api;

/** {@code POST /v1/inbox/flush}: deletes seen messages, or every message with {@code all}. */
public record InboxFlushRequest(String mesh, Boolean all) {}
