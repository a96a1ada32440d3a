package dev.meshwire.coordinator;

/** {@link QueueSweepWakeTest} on PostgreSQL. */
class PostgresQueueSweepWakeTest extends QueueSweepWakeTest {
    PostgresQueueSweepWakeTest() {
        super(StoreKind.POSTGRES);
    }
}
