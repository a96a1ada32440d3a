package dev.meshwire.coordinator.queue;

/**
 * Where the queue reports that a recipient acknowledged ({@code client_ack}) a row it was pushed: the
 * coordinator tells the row's sender (docs/protocol.md, frame {@code receipt}). Called on the
 * coordinator's event loop; must not block.
 */
@FunctionalInterface
public interface DeliveryReceipts {
    /** Reports nothing (a coordinator without receipts, and tests of the queue alone). */
    DeliveryReceipts NONE = (meshId, sender, recipient, messageId, clientMessageId, at) -> {};

    /**
     * {@code recipient} acknowledged the row {@code messageId} that {@code sender} sent with
     * {@code clientMessageId}; {@code at} is epoch ms of the ack.
     */
    void acknowledged(String meshId, String sender, String recipient, String messageId, String clientMessageId, long at);
}
