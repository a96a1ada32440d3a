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
import dev.meshwire.peer.ipc.Errors;
import dev.meshwire.peer.ipc.api.SendBatchItem;
import dev.meshwire.peer.ipc.api.SendBatchReply;
import dev.meshwire.peer.ipc.api.SendReply;
import dev.meshwire.signaling.envelope.Priority;
import java.util.ArrayList;
import java.util.List;

/** The IPC face of the outbox: accept a send, show one row or many, requeue. */
public final class OutboxEndpoints implements OutboxApi {
    private final Outbox outbox;
    private final OutboxStore store;
    private final Requeue requeue;
    private final JoinedMeshes meshes;

    public OutboxEndpoints(Outbox outbox, OutboxStore store, JoinedMeshes meshes, Runnable wakeDrain) {
        this.outbox = outbox;
        this.meshes = meshes;
        this.store = store;
        this.requeue = new Requeue(store, meshes, wakeDrain);
    }

    @Override
    public IpcReply<SendReply> send(dev.meshwire.peer.ipc.api.SendRequest req) {
        Outbox.Accepted a = outbox.accept(toOutbox(req));
        return new IpcReply<>(a.status(), a.body());
    }

    /** Every send of the batch through the outbox's group accept (one commit for the lot; docs/ipc.md "Batch send"). */
    @Override
    public SendBatchReply sendBatch(List<dev.meshwire.peer.ipc.api.SendRequest> requests) {
        List<SendBatchItem> items = new ArrayList<>(requests.size());
        List<SendRequest> valid = new ArrayList<>();
        List<Integer> where = new ArrayList<>();
        for (dev.meshwire.peer.ipc.api.SendRequest r : requests) {
            try {
                valid.add(toOutbox(r));
                where.add(items.size());
                items.add(null);
            } catch (PeerException e) {
                items.add(refused(e));
            }
        }
        List<Outbox.Outcome> outcomes = outbox.acceptAll(valid);
        for (int i = 0; i < outcomes.size(); i++) {
            Outbox.Outcome o = outcomes.get(i);
            items.set(where.get(i), o.accepted() != null
                    ? new SendBatchItem(o.accepted().status(), o.accepted().body(), null) : refused(o.refused()));
        }
        int ok = (int) items.stream().filter(x -> x.reply() != null).count();
        return new SendBatchReply(ok, items.size() - ok, items);
    }

    private static SendBatchItem refused(PeerException e) {
        return new SendBatchItem(e.httpStatus(), null, Errors.reply(e).error());
    }

    private static SendRequest toOutbox(dev.meshwire.peer.ipc.api.SendRequest req) {
        Priority p;
        try {
            p = req.priority() == null ? Priority.NEXT : Priority.fromWire(req.priority());
        } catch (IllegalArgumentException e) {
            throw new PeerException(PeerException.BAD_REQUEST, "field 'priority' must be one of now, next, low", List.of(),
                    ErrorFields.field("priority"));
        }
        return new SendRequest(req.mesh(), req.to(), req.message(), p, req.clientMessageId(), req.replyToId(), req.meta());
    }

    @Override
    public OutboxRow message(String clientMessageId) {
        return OutboxRows.of(find(store, clientMessageId));
    }

    @Override
    public OutboxReply outbox(OutboxQuery query) {
        int limit = query.limit();
        List<String> states = query.states();
        String mesh = query.mesh();
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
        // A joined mesh, or one left or forgotten whose sends are still listed, is a valid filter.
        if (mesh != null && !meshes.contains(mesh) && store.countsInMesh(mesh).values().stream().allMatch(n -> n == 0)) {
            meshes.requireKnownIfNamed(mesh); // unknown_mesh, naming the joined ones
        }
        for (OutboxStore.Request r : store.list(filter, mesh, limit)) items.add(OutboxRows.of(r));
        return new OutboxReply(mesh, mesh == null ? store.counts() : store.countsInMesh(mesh), items);
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
