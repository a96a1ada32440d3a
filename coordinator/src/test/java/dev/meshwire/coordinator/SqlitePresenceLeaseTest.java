package dev.meshwire.coordinator;

/** The continuous-presence suite ({@link PresenceLeaseTest}) on SQLite. A top-level class, because Surefire does not run nested ones. */
class SqlitePresenceLeaseTest extends PresenceLeaseTest {
    SqlitePresenceLeaseTest() {
        super(StoreKind.SQLITE);
    }
}
