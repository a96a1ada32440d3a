package dev.meshwire.coordinator;

/** The store contract ({@link QueueStoreContractTest}) on SQLite. A top-level class, because Surefire does not run nested ones. */
class SqliteQueueStoreContractTest extends QueueStoreContractTest {
    SqliteQueueStoreContractTest() {
        super(StoreKind.SQLITE);
    }
}
