package dev.meshwire.coordinator;

/** The sub-peer suite ({@link SubpeersWebSocketTest}) on PostgreSQL. */
class PostgresSubpeersWebSocketTest extends SubpeersWebSocketTest {
    PostgresSubpeersWebSocketTest() {
        super(StoreKind.POSTGRES);
    }
}
