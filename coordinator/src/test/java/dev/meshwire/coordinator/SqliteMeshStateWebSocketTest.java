package dev.meshwire.coordinator;

/** The mesh-state WebSocket suite ({@link MeshStateWebSocketTest}) on SQLite. */
class SqliteMeshStateWebSocketTest extends MeshStateWebSocketTest {
    SqliteMeshStateWebSocketTest() {
        super(StoreKind.SQLITE);
    }
}
