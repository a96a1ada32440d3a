package dev.meshwire.e2e;

import dev.meshwire.coordinator.PgCluster;

/** {@link DurableDeliveryIT} with the coordinator on PostgreSQL (a fresh database per test). */
class DurableDeliveryPostgresIT extends DurableDeliveryIT {
    @Override
    String dbUrl() {
        return PgCluster.freshDatabase("e2e");
    }
}
