package dev.meshwire.peer.outbox;

import dev.meshwire.peer.ipc.api.Destination;
import dev.meshwire.peer.ipc.api.OutboxCopy;
import dev.meshwire.peer.ipc.api.OutboxRow;
import java.util.ArrayList;
import java.util.List;

/** An outbox row and its per-recipient copies as IPC shows them (docs/ipc.md, GET /v1/messages/{id}). */
public final class OutboxRows {
    private OutboxRows() {}

    public static OutboxRow of(OutboxStore.Request r) {
        List<OutboxCopy> copies = new ArrayList<>();
        for (OutboxStore.Copy c : r.copies()) copies.add(copy(c));
        // nextAttemptAt is stored for every row; it only means something while the row waits.
        return new OutboxRow(r.clientMessageId(), r.meshName(), r.state().wire(), r.attempts(), r.lastError(), r.channel(), r.priority(),
                new Destination(r.destinationKind(), r.destinationRef()), r.replyToId(), Fingerprint.prefix(r.fingerprint()),
                r.messageId(), r.createdAt(), r.updatedAt(), r.state() == OutboxStore.State.PENDING ? r.nextAttemptAt() : null,
                r.doneAt(), r.abortedAt(), r.abortedBy(), r.supersededBy(), r.requeuedFrom(), copies);
    }

    private static OutboxCopy copy(OutboxStore.Copy c) {
        return new OutboxCopy(c.recipientName(), c.recipientPubkey(), c.state().wire(), c.attempts(), c.lastError(), c.messageId(),
                c.ackStatus(), c.state() == OutboxStore.State.PENDING ? c.nextAttemptAt() : null, c.doneAt());
    }
}
