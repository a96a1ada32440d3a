package dev.meshwire.coordinator;

/** The topic WebSocket suite ({@link TopicWebSocketTest}) on PostgreSQL. */
class PostgresTopicWebSocketTest extends TopicWebSocketTest {
    PostgresTopicWebSocketTest() {
        super(StoreKind.POSTGRES);
    }
}
