package dev.meshwire.peer.ipc.api;

/** {@code POST /v1/inbox/flush}. */
public record InboxFlushReply(int deleted, boolean all) {}
