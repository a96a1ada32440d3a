package dev.meshwire.coordinator;

/** {@link QueueSweepWakeTest} on SQLite. */
class SqliteQueueSweepWakeTest extends QueueSweepWakeTest {
    SqliteQueueSweepWakeTest() {
        super(StoreKind.SQLITE);
    }
}
