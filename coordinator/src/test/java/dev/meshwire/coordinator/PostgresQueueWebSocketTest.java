package dev.meshwire.coordinator;

/** The queue-over-WebSocket suite ({@link QueueWebSocketTest}) on PostgreSQL. A top-level class, because Surefire does not run nested ones. */
class PostgresQueueWebSocketTest extends QueueWebSocketTest {
    PostgresQueueWebSocketTest() {
        super(StoreKind.POSTGRES);
    }
}
