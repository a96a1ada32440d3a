package dev.meshwire.e2e;

/** {@link DurableDeliveryIT} with the coordinator on its default SQLite store. */
class DurableDeliverySqliteIT extends DurableDeliveryIT {
    @Override
    String dbUrl() {
        return null;
    }
}
