package dev.meshwire.coordinator;

/** The sub-peer suite ({@link SubpeersWebSocketTest}) on SQLite. */
class SqliteSubpeersWebSocketTest extends SubpeersWebSocketTest {
    SqliteSubpeersWebSocketTest() {
        super(StoreKind.SQLITE);
    }
}
