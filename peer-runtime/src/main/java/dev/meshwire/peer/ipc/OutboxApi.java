package dev.meshwire.peer.ipc;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/** Sending and the durable outbox: {@code /v1/send}, {@code /v1/messages/{id}}, {@code /v1/outbox}, {@code /v1/outbox/requeue}. */
public interface OutboxApi {
    /** Accepts a send into the durable outbox: 202 (pending/inflight) or 200 (already done), 409 on id conflicts. */
    IpcReply send(String mesh, String to, String message, String priority, String clientMessageId, String replyToId, JsonNode meta);

    /** One outbox row by client message id (unknown → unknown_message). */
    Map<String, Object> message(String clientMessageId);

    /** Outbox rows, newest first; {@code states} empty = all; {@code mesh} null = every mesh, else only sends in that mesh. */
    Map<String, Object> outbox(List<String> states, String mesh, int limit);

    /** Aborts a dead or pending row and re-sends its content under a fresh (or given) client id. */
    Map<String, Object> requeue(String clientMessageId, String newClientMessageId);
}
