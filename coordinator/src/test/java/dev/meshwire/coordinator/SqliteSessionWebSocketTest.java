package dev.meshwire.coordinator;

/** {@link SessionWebSocketTest} on SQLite. A top-level class, because Surefire does not run nested ones. */
class SqliteSessionWebSocketTest extends SessionWebSocketTest {
    SqliteSessionWebSocketTest() {
        super(StoreKind.SQLITE);
    }
}
