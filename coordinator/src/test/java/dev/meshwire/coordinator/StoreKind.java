package dev.meshwire.coordinator;

import dev.meshwire.coordinator.store.CoordinatorStore;
import dev.meshwire.coordinator.store.PgCoordinatorStore;
import dev.meshwire.coordinator.store.SqliteCoordinatorStore;
import io.vertx.core.Vertx;
import java.nio.file.Path;

/** The two store implementations every queue test runs against (real SQLite file, real PostgreSQL). */
enum StoreKind {
    SQLITE, POSTGRES;

    /** A fresh database URL: a new SQLite file under {@code dir}, or a new PostgreSQL database. */
    String freshUrl(Path dir, String name) {
        return this == SQLITE ? "jdbc:sqlite:" + dir.resolve(name + ".db").toAbsolutePath() : PgCluster.freshDatabase(name);
    }

    CoordinatorStore open(Vertx vertx, String url) throws Exception {
        return this == SQLITE ? SqliteCoordinatorStore.open(vertx, url) : PgCoordinatorStore.open(vertx, url, 4);
    }
}
