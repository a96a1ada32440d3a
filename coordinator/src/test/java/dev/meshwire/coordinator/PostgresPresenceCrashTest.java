package dev.meshwire.coordinator;

/** {@link PresenceCrashTest} on Postgres. */
class PostgresPresenceCrashTest extends PresenceCrashTest {
    PostgresPresenceCrashTest() {
        super(StoreKind.POSTGRES);
    }
}
