package dev.meshwire.coordinator;

/** The service read scopes and queue sender-member suite ({@link ServiceScopesWebSocketTest}) on SQLite. */
class SqliteServiceScopesWebSocketTest extends ServiceScopesWebSocketTest {
    SqliteServiceScopesWebSocketTest() {
        super(StoreKind.SQLITE);
    }
}
