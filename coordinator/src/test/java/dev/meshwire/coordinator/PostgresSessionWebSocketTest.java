package dev.meshwire.coordinator;

/** {@link SessionWebSocketTest} on PostgreSQL. A top-level class, because Surefire does not run nested ones. */
class PostgresSessionWebSocketTest extends SessionWebSocketTest {
    PostgresSessionWebSocketTest() {
        super(StoreKind.POSTGRES);
    }
}
