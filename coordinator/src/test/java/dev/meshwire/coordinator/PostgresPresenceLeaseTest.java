package dev.meshwire.coordinator;

/** The continuous-presence suite ({@link PresenceLeaseTest}) on PostgreSQL. A top-level class, because Surefire does not run nested ones. */
class PostgresPresenceLeaseTest extends PresenceLeaseTest {
    PostgresPresenceLeaseTest() {
        super(StoreKind.POSTGRES);
    }
}
