package dev.meshwire.coordinator;

/** The queue-over-WebSocket suite ({@link QueueWebSocketTest}) on SQLite. A top-level class, because Surefire does not run nested ones. */
class SqliteQueueWebSocketTest extends QueueWebSocketTest {
    SqliteQueueWebSocketTest() {
        super(StoreKind.SQLITE);
    }
}
