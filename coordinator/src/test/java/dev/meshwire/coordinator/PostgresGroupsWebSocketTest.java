package dev.meshwire.coordinator;

/** The groups WebSocket suite ({@link GroupsWebSocketTest}) on PostgreSQL. */
class PostgresGroupsWebSocketTest extends GroupsWebSocketTest {
    PostgresGroupsWebSocketTest() {
        super(StoreKind.POSTGRES);
    }
}
