package dev.meshwire.coordinator;

/** The grants and services WebSocket suite ({@link GrantsWebSocketTest}) on SQLite. */
class SqliteGrantsWebSocketTest extends GrantsWebSocketTest {
    SqliteGrantsWebSocketTest() {
        super(StoreKind.SQLITE);
    }
}
