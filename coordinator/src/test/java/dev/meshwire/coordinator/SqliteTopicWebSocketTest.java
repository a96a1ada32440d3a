package dev.meshwire.coordinator;

/** The topic WebSocket suite ({@link TopicWebSocketTest}) on SQLite. */
class SqliteTopicWebSocketTest extends TopicWebSocketTest {
    SqliteTopicWebSocketTest() {
        super(StoreKind.SQLITE);
    }
}
