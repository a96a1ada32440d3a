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

    /**
     * Accepts many sends in one call: each is what {@link #send} would do with it, and a refusal of one is that one's
     * result (the others go on). The default sends them one by one; the outbox commits them as one group.
     */
    default dev.meshwire.peer.ipc.api.SendBatchReply sendBatch(java.util.List<SendRequest> requests) {
        java.util.List<dev.meshwire.peer.ipc.api.SendBatchItem> out = new java.util.ArrayList<>();
        int ok = 0;
        for (SendRequest r : requests) {
            try {
                IpcReply<SendReply> a = send(r);
                out.add(new dev.meshwire.peer.ipc.api.SendBatchItem(a.status(), a.body(), null));
                ok++;
            } catch (dev.meshwire.peer.PeerException e) {
                out.add(new dev.meshwire.peer.ipc.api.SendBatchItem(e.httpStatus(), null, Errors.reply(e).error()));
            }
        }
        return new dev.meshwire.peer.ipc.api.SendBatchReply(ok, requests.size() - ok, out);
    }

    /** One outbox row by client message id (unknown → unknown_message). */
    OutboxRow message(String clientMessageId);

    /** Outbox rows, newest first; no states = all; a mesh = only the sends in that mesh. */
    OutboxReply outbox(OutboxQuery query);

    /** Aborts a dead or pending row and re-sends its content under a fresh (or given) client id. */
    RequeueReply requeue(String clientMessageId, String newClientMessageId);
}
