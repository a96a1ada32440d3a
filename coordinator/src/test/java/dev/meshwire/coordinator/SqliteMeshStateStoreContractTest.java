package dev.meshwire.coordinator;

/** The mesh-state store contract ({@link MeshStateStoreContractTest}) on SQLite. */
class SqliteMeshStateStoreContractTest extends MeshStateStoreContractTest {
    SqliteMeshStateStoreContractTest() {
        super(StoreKind.SQLITE);
    }
}
