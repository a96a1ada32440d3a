package dev.meshwire.peer.outbox;

import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.coordinator.JoinedMeshes;
import dev.meshwire.peer.ipc.IpcReply;
import dev.meshwire.peer.ipc.OutboxApi;
import dev.meshwire.peer.ipc.api.ErrorFields;
import dev.meshwire.peer.ipc.api.OutboxQuery;
import dev.meshwire.peer.ipc.api.OutboxReply;
import dev.meshwire.peer.ipc.api.OutboxRow;
import dev.meshwire.peer.ipc.api.RequeueReply;
import dev.meshwire.peer.ipc.api.SendReply;
import dev.meshwire.signaling.envelope.Priority;
import java.util.ArrayList;
import java.util.List;

/** The IPC face of the outbox: accept a send, show one row or many, requeue. */
public final class OutboxEndpoints implements OutboxApi {
    private final Outbox outbox;
    private final OutboxStore store;
    private final Requeue requeue;

    public OutboxEndpoints(Outbox outbox, OutboxStore store, JoinedMeshes meshes, Runnable wakeDrain) {
        this.outbox = outbox;
        this.store = store;
        this.requeue = new Requeue(store, meshes, wakeDrain);
    }

    @Override
    public IpcReply<SendReply> send(dev.meshwire.peer.ipc.api.SendRequest req) {
        Priority p;
        try {
            p = req.priority() == null ? Priority.NEXT : Priority.fromWire(req.priority());
        } catch (IllegalArgumentException e) {
            throw new PeerException(PeerException.BAD_REQUEST, "field 'priority' must be one of now, next, low", List.of(),
                    ErrorFields.field("priority"));
        }
        Outbox.Accepted a = outbox.accept(new SendRequest(req.mesh(), req.to(), req.message(), p, req.clientMessageId(),
                req.replyToId(), req.meta()));
        return new IpcReply<>(a.status(), a.body());
    }

    @Override
    public OutboxRow message(String clientMessageId) {
        return OutboxRows.of(find(store, clientMessageId));
    }

    @Override
    public OutboxReply outbox(OutboxQuery query) {
        int limit = query.limit();
        List<String> states = query.states();
        if (limit < 1 || limit > 10_000) throw new PeerException(PeerException.BAD_REQUEST, "query parameter 'limit' must be an integer between 1 and 10000",
                List.of(), ErrorFields.field("limit"));
        List<OutboxStore.State> filter = new ArrayList<>();
        for (String st : states) {
            try {
                filter.add(OutboxStore.State.of(st.trim()));
            } catch (IllegalArgumentException e) {
                throw new PeerException(PeerException.BAD_REQUEST, "query parameter 'state' must be a comma-separated list of "
                        + "pending, inflight, done, dead, aborted (got '" + (st.length() > 64 ? st.substring(0, 64) + "…" : st) + "')",
                        List.of(), ErrorFields.field("state"));
            }
        }
        List<OutboxRow> items = new ArrayList<>();
        for (OutboxStore.Request r : store.list(filter, limit)) items.add(OutboxRows.of(r));
        return new OutboxReply(store.counts(), items);
    }

    @Override
    public RequeueReply requeue(String clientMessageId, String newClientMessageId) {
        return requeue.requeue(clientMessageId, newClientMessageId);
    }

    /** The row of a client message id, or bad_request (no id) / unknown_message. */
    static OutboxStore.Request find(OutboxStore store, String clientMessageId) {
        if (clientMessageId == null || clientMessageId.isBlank()) throw new PeerException(PeerException.BAD_REQUEST, "no message id given");
        OutboxStore.Request r = store.find(clientMessageId);
        if (r == null) {
            throw new PeerException(PeerException.UNKNOWN_MESSAGE, "no message with id '" + clientMessageId + "' in the outbox");
        }
        return r;
    }
}
