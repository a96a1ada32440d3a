package dev.meshwire.peer.mesh;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.peer.PeerException;
import dev.meshwire.coordinator.authority.CreateMeshRequest;
import dev.meshwire.peer.coordinator.CoordinatorUrls;
import dev.meshwire.signaling.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Registers a new mesh with a coordinator over REST ({@code POST /v1/meshes}). This is the one
 * coordinator call that happens before any WebSocket exists: the mesh id comes from its answer.
 */
final class MeshRegistrar {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** Posts the signed creation request; returns the coordinator's JSON answer (never null). */
    JsonNode register(String coordinator, String adminToken, CreateMeshRequest body) {
        String url = CoordinatorUrls.httpBase(coordinator) + "/v1/meshes";
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15))
                    .header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(Json.MAPPER.writeValueAsString(body)));
            if (adminToken != null && !adminToken.isBlank()) b.header("Authorization", "Bearer " + adminToken.trim());
            HttpResponse<String> res = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json;
            try {
                json = Json.MAPPER.readTree(res.body());
            } catch (IOException e) {
                json = Json.MAPPER.createObjectNode();
            }
            if (res.statusCode() / 100 != 2) {
                String msg = json == null ? null : json.path("error").path("message").asText(null);
                String code = json == null ? null : json.path("error").path("code").asText(null);
                throw new PeerException(PeerException.COORDINATOR_REFUSED, "coordinator refused to create the mesh (HTTP "
                        + res.statusCode() + (code != null ? " " + code : "") + ")" + (msg != null ? ": " + msg : ""));
            }
            return json == null ? Json.MAPPER.createObjectNode() : json;
        } catch (IOException e) {
            throw new PeerException(PeerException.COORDINATOR_UNREACHABLE, "cannot reach the coordinator at " + url + " ("
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PeerException(PeerException.INTERNAL, "interrupted");
        }
    }
}
