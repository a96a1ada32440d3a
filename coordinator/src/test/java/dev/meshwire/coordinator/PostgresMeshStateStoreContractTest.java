package dev.meshwire.coordinator;

/** The mesh-state store contract ({@link MeshStateStoreContractTest}) on PostgreSQL, with two stores (coordinators) on one database. */
class PostgresMeshStateStoreContractTest extends MeshStateStoreContractTest {
    PostgresMeshStateStoreContractTest() {
        super(StoreKind.POSTGRES);
    }
}
