package dev.meshwire.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.signaling.Canonical;
import dev.meshwire.signaling.Json;
import dev.meshwire.signaling.crypto.Identity;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/** A real coordinator on a free port with a temporary data directory, plus a Vert.x for test clients. */
final class CoordinatorFixture implements AutoCloseable {
    final Path dataDir;
    final Coordinator coordinator;
    final Vertx vertx = Vertx.vertx();
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    CoordinatorFixture(UnaryOperator<CoordinatorConfig> tweak) throws Exception {
        dataDir = Files.createTempDirectory("mw-coord-test");
        CoordinatorConfig cfg = CoordinatorConfig.defaults(dataDir).withListen("127.0.0.1", 0).withStunPort(-1);
        coordinator = Coordinator.start(tweak.apply(cfg));
    }

    CoordinatorFixture() throws Exception {
        this(c -> c);
    }

    int port() {
        return coordinator.port();
    }

    TestPeer peer() throws Exception {
        return TestPeer.connect(vertx, port());
    }

    TestPeer peer(Identity id) throws Exception {
        return TestPeer.connect(vertx, port(), id);
    }

    record Response(int status, JsonNode json, String text) {}

    Response get(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        return new Response(r.statusCode(), tryJson(r.body()), r.body());
    }

    Response post(String path, String token, Object body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + path))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body instanceof String s ? s : Json.MAPPER.writeValueAsString(body)));
        if (token != null) b.header("Authorization", "Bearer " + token);
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Response(r.statusCode(), tryJson(r.body()), r.body());
    }

    private static JsonNode tryJson(String s) {
        try {
            return Json.MAPPER.readTree(s);
        } catch (Exception e) {
            return null;
        }
    }

    static Map<String, Object> meshBody(Identity owner, String name, String ownerName, long createdAt) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("ownerPubkey", owner.publicKeyHex());
        m.put("ownerName", ownerName);
        m.put("createdAt", createdAt);
        m.put("signature", owner.signHex(Canonical.meshCreate(name, owner.publicKeyHex(), ownerName, createdAt)));
        return m;
    }

    /** Creates a mesh owned by {@code owner} and returns its id. */
    String createMesh(Identity owner, String name, String ownerName) throws Exception {
        return createMeshAnswer(owner, name, ownerName).get("mesh").asText();
    }

    /** Creates a mesh owned by {@code owner} and returns the 201 answer (mesh, name, authority, state, ...). */
    JsonNode createMeshAnswer(Identity owner, String name, String ownerName) throws Exception {
        Response r = post("/v1/meshes", coordinator.adminToken(), meshBody(owner, name, ownerName, System.currentTimeMillis()));
        assertEquals(201, r.status(), r.text());
        return r.json();
    }

    @Override
    public void close() throws Exception {
        coordinator.close();
        vertx.close().await(10, TimeUnit.SECONDS);
    }
}
