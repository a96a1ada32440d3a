package dev.meshwire.coordinator;

/** The grants and services WebSocket suite ({@link GrantsWebSocketTest}) on PostgreSQL. */
class PostgresGrantsWebSocketTest extends GrantsWebSocketTest {
    PostgresGrantsWebSocketTest() {
        super(StoreKind.POSTGRES);
    }
}
