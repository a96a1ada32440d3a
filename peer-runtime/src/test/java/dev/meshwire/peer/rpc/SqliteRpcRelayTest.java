package dev.meshwire.peer.rpc;

/** {@link RpcRelayTest} with the coordinator on SQLite. */
class SqliteRpcRelayTest extends RpcRelayTest {
    @Override
    String dbUrl() {
        return null;
    }
}
