package dev.meshwire.peer.ipc;

import dev.meshwire.peer.ipc.api.OutboxQuery;
import dev.meshwire.peer.ipc.api.OutboxReply;
import dev.meshwire.peer.ipc.api.OutboxRow;
import dev.meshwire.peer.ipc.api.RequeueReply;
import dev.meshwire.peer.ipc.api.SendReply;
import dev.meshwire.peer.ipc.api.SendRequest;

/** Sending and the durable outbox: {@code /v1/send}, {@code /v1/messages/{id}}, {@code /v1/outbox}, {@code /v1/outbox/requeue}. */
public interface OutboxApi {
    /** Accepts a send into the durable outbox: 202 (pending/inflight) or 200 (already done), 409 on id conflicts. */
    IpcReply<SendReply> send(SendRequest req);

    /** One outbox row by client message id (unknown → unknown_message). */
    OutboxRow message(String clientMessageId);

    /** Outbox rows, newest first; no states = all. */
    OutboxReply outbox(OutboxQuery query);

    /** Aborts a dead or pending row and re-sends its content under a fresh (or given) client id. */
    RequeueReply requeue(String clientMessageId, String newClientMessageId);
}
