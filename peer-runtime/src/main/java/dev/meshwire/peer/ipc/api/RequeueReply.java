package dev.meshwire.peer.ipc.api;

/** {@code POST /v1/outbox/requeue}: the old id (now aborted), the new id and its row. */
public record RequeueReply(String abortedClientMessageId, String clientMessageId, OutboxRow message) {}
