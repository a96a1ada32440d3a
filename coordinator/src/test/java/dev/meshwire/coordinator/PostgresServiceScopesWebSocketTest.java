package dev.meshwire.coordinator;

/** The service read scopes and queue sender-member suite ({@link ServiceScopesWebSocketTest}) on PostgreSQL. */
class PostgresServiceScopesWebSocketTest extends ServiceScopesWebSocketTest {
    PostgresServiceScopesWebSocketTest() {
        super(StoreKind.POSTGRES);
    }
}
