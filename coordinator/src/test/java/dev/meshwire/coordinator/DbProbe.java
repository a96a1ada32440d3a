package dev.meshwire.coordinator;

import dev.meshwire.coordinator.store.PgCoordinatorStore;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;

/**
 * Reads numbers straight from a store's database, beside the store under test: what is physically kept (row counts,
 * column byte lengths), which the store's own interface deliberately does not expose.
 */
final class DbProbe {
    private DbProbe() {}

    /** The first row of {@code sql}, every column read as a long. */
    static long[] row(Vertx vertx, StoreKind kind, String url, String sql) throws Exception {
        if (kind == StoreKind.SQLITE) {
            try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                rs.next();
                long[] out = new long[rs.getMetaData().getColumnCount()];
                for (int i = 0; i < out.length; i++) out[i] = rs.getLong(i + 1);
                return out;
            }
        }
        SqlClient c = PgBuilder.client().connectingTo(PgCoordinatorStore.connectOptions(url)).using(vertx).build();
        try {
            Row r = c.query(sql).execute().await(30, TimeUnit.SECONDS).iterator().next();
            long[] out = new long[r.size()];
            for (int i = 0; i < out.length; i++) out[i] = r.getValue(i) == null ? 0 : ((Number) r.getValue(i)).longValue();
            return out;
        } finally {
            c.close().await(10, TimeUnit.SECONDS);
        }
    }
}
