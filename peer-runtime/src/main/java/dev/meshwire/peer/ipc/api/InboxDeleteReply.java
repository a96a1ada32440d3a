package dev.meshwire.peer.ipc.api;

/** {@code DELETE /v1/inbox/{id}}. */
public record InboxDeleteReply(int deleted, long id) {}
