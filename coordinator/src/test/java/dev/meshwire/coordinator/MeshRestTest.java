package dev.meshwire.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.signaling.crypto.Identity;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MeshRestTest extends SharedCoordinator {
    @Test
    void createsMeshWithAdminToken() throws Exception {
        Identity owner = Identity.generate();
        var r = fx.post("/v1/meshes", fx.coordinator.adminToken(), CoordinatorFixture.meshBody(owner, "rest-good", "alice", System.currentTimeMillis()));
        assertEquals(201, r.status(), r.text());
        assertTrue(r.json().get("mesh").asText().matches("m_[0-9a-f]{16}"), r.text());
        assertEquals("rest-good", r.json().get("name").asText());
        assertEquals(owner.publicKeyHex(), r.json().get("ownerPubkey").asText());
        assertEquals("ws://127.0.0.1:" + fx.port(), r.json().get("coordinator").asText());
        assertEquals(fx.coordinator.publicUrl(), r.json().get("coordinator").asText());
    }

    @Test
    void refusesWithoutOrWithWrongToken() throws Exception {
        Identity owner = Identity.generate();
        var body = CoordinatorFixture.meshBody(owner, "rest-notoken", "alice", System.currentTimeMillis());
        var r = fx.post("/v1/meshes", null, body);
        assertEquals(401, r.status());
        assertEquals("unauthorized", r.json().at("/error/code").asText());
        assertEquals(401, fx.post("/v1/meshes", "not-the-token", body).status());
    }

    @Test
    void refusesBadSignatureStaleTimeAndBadNames() throws Exception {
        Identity owner = Identity.generate();
        Identity other = Identity.generate();
        long now = System.currentTimeMillis();
        Map<String, Object> forged = CoordinatorFixture.meshBody(other, "rest-forged", "alice", now);
        forged.put("ownerPubkey", owner.publicKeyHex());
        var r = fx.post("/v1/meshes", fx.coordinator.adminToken(), forged);
        assertEquals(400, r.status());
        assertEquals("bad_signature", r.json().at("/error/code").asText());

        r = fx.post("/v1/meshes", fx.coordinator.adminToken(), CoordinatorFixture.meshBody(owner, "rest-stale", "alice", now - 11 * 60_000));
        assertEquals(400, r.status());
        assertEquals("invalid_request", r.json().at("/error/code").asText());

        r = fx.post("/v1/meshes", fx.coordinator.adminToken(), CoordinatorFixture.meshBody(owner, "Bad Name", "alice", now));
        assertEquals(400, r.status());
        assertTrue(r.json().at("/error/message").asText().contains("mesh name"), r.text());

        r = fx.post("/v1/meshes", fx.coordinator.adminToken(), "{not json");
        assertEquals(400, r.status());
        assertEquals("invalid_request", r.json().at("/error/code").asText());
    }

    @Test
    void duplicateNameIs409() throws Exception {
        fx.createMesh(Identity.generate(), "rest-dup", "alice");
        var r = fx.post("/v1/meshes", fx.coordinator.adminToken(),
                CoordinatorFixture.meshBody(Identity.generate(), "rest-dup", "bob", System.currentTimeMillis()));
        assertEquals(409, r.status());
        assertEquals("mesh_name_taken", r.json().at("/error/code").asText());
    }

    @Test
    void openRegistrationNeedsNoToken() throws Exception {
        try (CoordinatorFixture open = new CoordinatorFixture(c -> c.withOpenRegistration(true))) {
            var r = open.post("/v1/meshes", null, CoordinatorFixture.meshBody(Identity.generate(), "open-mesh", "alice", System.currentTimeMillis()));
            assertEquals(201, r.status(), r.text());
        }
    }

    @Test
    void healthReadyAndUnknownPath() throws Exception {
        var h = fx.get("/health");
        assertEquals(200, h.status());
        assertEquals("up", h.json().get("status").asText());
        var ready = fx.get("/health/ready");
        assertEquals(200, ready.status());
        assertEquals("ready", ready.json().get("status").asText());
        var nf = fx.get("/nope");
        assertEquals(404, nf.status());
        assertEquals("not_found", nf.json().at("/error/code").asText());
    }

    @Test
    void adminTokenFileIsOwnerOnlyAndReusedAcrossRestarts() throws Exception {
        Path dir = Files.createTempDirectory("mw-token");
        String first;
        try (Coordinator c = Coordinator.start(CoordinatorConfig.defaults(dir).withListen("127.0.0.1", 0).withStunPort(-1))) {
            first = c.adminToken();
        }
        Path file = dir.resolve("admin-token");
        assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE), Files.getPosixFilePermissions(file));
        assertEquals(first, Files.readString(file).trim());
        assertTrue(first.matches("[A-Za-z0-9_-]{43}"), first);
        assertTrue(Files.exists(dir.resolve("coordinator.db")));
        try (Coordinator c = Coordinator.start(CoordinatorConfig.defaults(dir).withListen("127.0.0.1", 0).withStunPort(-1))) {
            assertEquals(first, c.adminToken());
        }
    }

    @Test
    void startFailuresAreOneLineExceptions() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            Path dir = Files.createTempDirectory("mw-port");
            var e = assertThrows(CoordinatorStartException.class,
                    () -> Coordinator.start(CoordinatorConfig.defaults(dir).withListen("127.0.0.1", taken.getLocalPort()).withStunPort(-1)));
            assertTrue(e.getMessage().contains("already in use"), e.getMessage());
            assertTrue(!e.getMessage().contains("\n"));
        }
        Path notADir = Files.createTempFile("mw-file", ".txt");
        var e = assertThrows(CoordinatorStartException.class,
                () -> Coordinator.start(CoordinatorConfig.defaults(notADir).withListen("127.0.0.1", 0).withStunPort(-1)));
        assertTrue(e.getMessage().contains("data directory"), e.getMessage());
    }
}
