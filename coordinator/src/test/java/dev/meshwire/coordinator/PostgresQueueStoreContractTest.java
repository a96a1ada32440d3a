package dev.meshwire.coordinator;

/** The store contract ({@link QueueStoreContractTest}) on PostgreSQL. A top-level class, because Surefire does not run nested ones. */
class PostgresQueueStoreContractTest extends QueueStoreContractTest {
    PostgresQueueStoreContractTest() {
        super(StoreKind.POSTGRES);
    }
}
