package dev.meshwire.peer.group;

import dev.meshwire.coordinator.PgCluster;
import dev.meshwire.coordinator.store.PgCoordinatorStore;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@link GroupDeliveryTest} with the coordinator on PostgreSQL: the plaintext scan reads every row of every table of
 * the coordinator's database as text (bytea as hex), plus its data directory.
 */
class PostgresGroupDeliveryTest extends GroupDeliveryTest {
    private String url;

    @Override
    String dbUrl() {
        url = PgCluster.freshDatabase("groups");
        return url;
    }

    @Override
    byte[] storedBytes(Path coordDir) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(super.storedBytes(coordDir));
        Vertx vertx = Vertx.vertx();
        SqlClient c = PgBuilder.client().connectingTo(PgCoordinatorStore.connectOptions(url)).using(vertx).build();
        try {
            List<String> tables = new ArrayList<>();
            for (Row r : c.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'").execute()
                    .await(30, TimeUnit.SECONDS)) {
                tables.add(r.getString(0));
            }
            if (tables.isEmpty()) throw new AssertionError("the coordinator's PostgreSQL database has no tables: wrong database?");
            for (String t : tables) {
                for (Row r : c.query("SELECT t::text FROM \"" + t.replace("\"", "\"\"") + "\" t").execute().await(30, TimeUnit.SECONDS)) {
                    out.write(r.getString(0).getBytes(StandardCharsets.UTF_8));
                    out.write('\n');
                }
            }
        } finally {
            c.close().await(10, TimeUnit.SECONDS);
            vertx.close().await();
        }
        return out.toByteArray();
    }
}
