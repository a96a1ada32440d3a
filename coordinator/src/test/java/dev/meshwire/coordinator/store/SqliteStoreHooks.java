package dev.meshwire.coordinator.store;

import io.vertx.core.Future;

/** Opens the SQLite store's package-private test hooks to tests of other packages (test tree only). */
public final class SqliteStoreHooks {
    private SqliteStoreHooks() {}

    /** {@code sql} (a PRAGMA answering a number, e.g. {@code max_page_count}) on the store's own connection. */
    public static Future<Long> pragma(SqliteCoordinatorStore store, String sql) {
        return store.pragmaForTest(sql);
    }
}
