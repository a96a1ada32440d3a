package dev.meshwire.peer.ipc.api;

/** {@code POST /v1/outbox/requeue}: re-send a dead or pending message under a fresh (or the given) id. */
public record RequeueRequest(String clientMessageId, String newClientMessageId) {}
