package dev.meshwire.peer.rpc;

import dev.meshwire.coordinator.PgCluster;

/** {@link RpcRelayTest} with the coordinator on a real PostgreSQL ({@link PgCluster}). */
class PostgresRpcRelayTest extends RpcRelayTest {
    @Override
    String dbUrl() {
        return PgCluster.freshDatabase("rpc");
    }
}
