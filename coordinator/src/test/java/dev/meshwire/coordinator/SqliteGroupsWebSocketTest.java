package dev.meshwire.coordinator;

/** The groups WebSocket suite ({@link GroupsWebSocketTest}) on SQLite. */
class SqliteGroupsWebSocketTest extends GroupsWebSocketTest {
    SqliteGroupsWebSocketTest() {
        super(StoreKind.SQLITE);
    }
}
