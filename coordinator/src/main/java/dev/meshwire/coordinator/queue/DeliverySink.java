package dev.meshwire.coordinator.queue;

/**
 * Where a {@link DeliveryPump} writes its {@code deliver} frames: one member's connection.
 *
 * <p>Contract: the pump claims rows only while {@link #room()} is positive, and sizes each claim to that
 * room; when the room is 0 it calls {@link #whenRoom(Runnable)} and claims nothing until the callback runs.
 * Rows not pushed stay in the durable queue. Every method is called on the coordinator's event loop.
 */
public interface DeliverySink {
    /** Bytes that may be written now without passing the connection's high-water mark (0: none). */
    long room();

    /** Runs {@code wake} once, after the connection has drained enough to take deliveries again. */
    void whenRoom(Runnable wake);

    /** Writes one {@code deliver} frame (raw JSON text). */
    void write(String deliverJson);
}
