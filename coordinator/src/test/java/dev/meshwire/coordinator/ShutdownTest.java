package dev.meshwire.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ShutdownTest {

    @Test
    void closeEndsSessionsWith1001AndIsIdempotent() throws Exception {
        CoordinatorFixture fx = new CoordinatorFixture();
        try {
            Meshes.Mesh m = Meshes.create(fx, "shut");
            try (TestPeer owner = Meshes.owner(fx, m); TestPeer unauthenticated = fx.peer()) {
                fx.coordinator.close();
                assertEquals(1001, owner.awaitClose());
                assertEquals(1001, unauthenticated.awaitClose());
                fx.coordinator.close();
            }
        } finally {
            fx.close();
        }
    }

    @Test
    void plainGetOnWebSocketPathIs400() throws Exception {
        try (CoordinatorFixture fx = new CoordinatorFixture()) {
            var r = fx.get("/ws");
            assertEquals(400, r.status(), r.text());
        }
    }
}
