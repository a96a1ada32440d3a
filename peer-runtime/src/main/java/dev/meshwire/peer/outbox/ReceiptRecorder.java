package dev.meshwire.peer.outbox;

import dev.meshwire.peer.events.DaemonEvent;
import dev.meshwire.peer.events.EventBus;
import dev.meshwire.peer.ipc.api.DeliveredEvent;
import dev.meshwire.peer.transport.CoordinatorRelayTransport;
import dev.meshwire.signaling.frame.Frames;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.HashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records the coordinator's {@code receipt} frames in the outbox: the recipient's daemon acknowledged a
 * relayed (or queued) copy, so the copy is {@code delivered} (docs/delivery.md §10), and tells watchers
 * ({@code delivered} event). The coordinator sends a receipt only to the sender, for rows the recipient was
 * pushed; the daemon still only marks copies of its own outbox that went to that recipient in that mesh, so a
 * receipt names nothing else.
 *
 * <p>Receipts arrive at the rate messages are acked (thousands a second under load), so they are queued
 * and applied in batches, one transaction per batch, on {@code worker} — never on the link's event loop and
 * never ahead of or behind the mesh's deliveries (they do not share its ordered queue).
 */
public final class ReceiptRecorder {
    private static final Logger log = LoggerFactory.getLogger(ReceiptRecorder.class);
    private static final int MAX_BATCH = 1_000;

    private record Pending(OutboxStore.ReceiptRef ref, String meshName, String messageId) {}

    private final OutboxStore store;
    private final EventBus events;
    private final Executor worker;
    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean draining = new AtomicBoolean();

    public ReceiptRecorder(OutboxStore store, EventBus events, Executor worker) {
        this.store = store;
        this.events = events;
        this.worker = worker;
    }

    /** Queues a receipt that arrived on the link of mesh {@code meshId}; returns at once. */
    public void offer(String meshId, String meshName, Frames.Receipt r) {
        if (r.clientMessageId() == null || r.to() == null) return;
        queue.add(new Pending(new OutboxStore.ReceiptRef(meshId, r.to(), r.clientMessageId(), r.at()), meshName, r.messageId()));
        if (draining.compareAndSet(false, true)) worker.execute(this::drain);
    }

    private void drain() {
        try {
            while (true) {
                List<Pending> batch = new ArrayList<>();
                for (Pending p; batch.size() < MAX_BATCH && (p = queue.poll()) != null; ) batch.add(p);
                if (batch.isEmpty()) return;
                apply(batch);
            }
        } finally {
            draining.set(false);
            // A receipt queued between the last poll and the reset must not wait for the next one.
            if (!queue.isEmpty() && draining.compareAndSet(false, true)) worker.execute(this::drain);
        }
    }

    private void apply(List<Pending> batch) {
        Map<OutboxStore.ReceiptRef, Pending> byRef = new HashMap<>();
        List<OutboxStore.ReceiptRef> refs = new ArrayList<>();
        for (Pending p : batch) {
            byRef.put(p.ref(), p);
            refs.add(p.ref());
        }
        List<OutboxStore.Marked> marked;
        try {
            marked = store.markDelivered(refs);
        } catch (RuntimeException e) {
            // Losing a receipt only leaves a copy "accepted"; it never loses a message.
            log.warn("outbox: {} receipts could not be recorded: {}", refs.size(), e.getMessage());
            return;
        }
        if (marked.size() < refs.size()) log.debug("outbox: {} of {} receipts matched no undelivered copy", refs.size() - marked.size(), refs.size());
        for (OutboxStore.Marked m : marked) {
            Pending p = byRef.get(m.receipt());
            events.publish(new DaemonEvent(DaemonEvent.DELIVERED, new DeliveredEvent(p.meshName(), m.receipt().clientMessageId(),
                    p.messageId(), m.recipientName(), m.receipt().recipient(), CoordinatorRelayTransport.PATH, m.receipt().at())));
        }
    }
}
