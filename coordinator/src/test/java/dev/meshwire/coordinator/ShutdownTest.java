package dev.meshwire.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ShutdownTest {

    @Test
    void closeEndsSessionsWith1001AndIsIdempotent() throws Exception {
        // try-with-resources, not try/finally: a failing close of the fixture is added as suppressed instead of
        // hiding the assertion that failed first.
        try (CoordinatorFixture fx = new CoordinatorFixture()) {
            Meshes.Mesh m = Meshes.create(fx, "shut");
            try (TestPeer owner = Meshes.owner(fx, m); TestPeer unauthenticated = fx.peer()) {
                fx.coordinator.close();
                assertEquals(1001, owner.awaitClose());
                assertEquals(1001, unauthenticated.awaitClose());
                fx.coordinator.close();
            }
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
