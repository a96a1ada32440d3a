package dev.meshwire.coordinator;

/** {@link PresenceCrashTest} on Sqlite. */
class SqlitePresenceCrashTest extends PresenceCrashTest {
    SqlitePresenceCrashTest() {
        super(StoreKind.SQLITE);
    }
}
