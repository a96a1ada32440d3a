package dev.meshwire.peer.outbox;

import dev.meshwire.peer.events.DaemonEvent;
import dev.meshwire.peer.events.EventBus;
import dev.meshwire.peer.ipc.api.DeliveredEvent;
import dev.meshwire.peer.transport.CoordinatorRelayTransport;
import dev.meshwire.signaling.frame.Frames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records the coordinator's {@code receipt} frames in the outbox: the recipient's daemon acknowledged a
 * relayed (or queued) copy, so the copy is {@code delivered} (docs/delivery.md §10), and tells watchers
 * ({@code delivered} event). The coordinator sends a receipt only to the sender, for rows the recipient was
 * pushed; the daemon still only marks copies of its own outbox that went to that recipient, so a receipt
 * names nothing else. Blocking (JDBC): call off the event loop.
 */
public final class ReceiptRecorder {
    private static final Logger log = LoggerFactory.getLogger(ReceiptRecorder.class);
    private final OutboxStore store;
    private final EventBus events;

    public ReceiptRecorder(OutboxStore store, EventBus events) {
        this.store = store;
        this.events = events;
    }

    /** Marks the copy of {@code r.clientMessageId()} to {@code r.to()} in mesh {@code meshId} delivered at {@code r.at()}. */
    public void record(String meshId, String meshName, Frames.Receipt r) {
        if (r.clientMessageId() == null || r.to() == null) return;
        var marked = store.markDelivered(meshId, r.to(), r.clientMessageId(), r.at());
        if (marked.isEmpty()) {
            log.debug("mesh {}: receipt for {} to {} matches no undelivered copy", meshName, r.clientMessageId(), abbrev(r.to()));
            return;
        }
        String name = marked.get().copies().stream().filter(c -> c.recipientPubkey().equals(r.to()))
                .map(OutboxStore.Copy::recipientName).findFirst().orElse(null);
        events.publish(new DaemonEvent(DaemonEvent.DELIVERED, new DeliveredEvent(meshName, r.clientMessageId(), r.messageId(), name,
                r.to(), CoordinatorRelayTransport.PATH, r.at())));
    }

    private static String abbrev(String key) {
        return key.length() > 12 ? key.substring(0, 12) : key;
    }
}
