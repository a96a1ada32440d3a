package dev.meshwire.coordinator;

/** The mesh-state WebSocket suite ({@link MeshStateWebSocketTest}) on PostgreSQL. */
class PostgresMeshStateWebSocketTest extends MeshStateWebSocketTest {
    PostgresMeshStateWebSocketTest() {
        super(StoreKind.POSTGRES);
    }
}
