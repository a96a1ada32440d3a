package dev.meshwire.peer.ipc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.peer.home.MeshwireHome;
import dev.meshwire.signaling.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Client of the daemon's IPC API (plain loopback HTTP/1.1 through {@link IpcHttp}, no Vert.x and no
 * java.net.http, so that a CLI call starts fast), used by the CLI and by tests. All methods block and
 * throw {@link IpcException}.
 */
public final class IpcClient {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration ALIVE_TIMEOUT = Duration.ofSeconds(2);
    private final IpcHttp http;
    private final String base;
    private final String token;
    private final Duration timeout;

    public IpcClient(int port, String token) {
        this(port, token, Duration.ofSeconds(60));
    }

    public IpcClient(int port, String token, Duration timeout) {
        this.http = new IpcHttp("127.0.0.1", port, CONNECT_TIMEOUT);
        this.base = "http://127.0.0.1:" + port;
        this.token = token;
        this.timeout = timeout;
    }

    /** Reads {@code daemon/port} and {@code daemon/token}; null if either is missing. */
    public static IpcClient forHome(MeshwireHome home) {
        String port = MeshwireHome.readTrimmed(home.portFile());
        String token = MeshwireHome.readTrimmed(home.tokenFile());
        if (port == null || token == null || port.isEmpty() || token.isEmpty()) return null;
        try {
            return new IpcClient(Integer.parseInt(port), token);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    public String baseUrl() { return base; }

    /** True if the daemon answers /v1/health within a short timeout. */
    public boolean alive() {
        try (IpcHttp.Response r = http.open("GET", "/v1/health", auth(), null, ALIVE_TIMEOUT)) {
            r.bodyText();
            return r.status() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    public JsonNode get(String path) {
        return call("GET", path, null);
    }

    public JsonNode delete(String path) {
        return call("DELETE", path, null);
    }

    public JsonNode post(String path, Map<String, ?> body) {
        try {
            String json = Json.MAPPER.writeValueAsString(body == null ? Map.of() : body);
            return call("POST", path, json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    // Typed conveniences for the common calls (tests and the demo use these).

    public JsonNode status() { return get("/v1/status"); }

    public JsonNode ping(String mesh, String peer, int count) { return post("/v1/ping", map("mesh", mesh, "peer", peer, "count", count)); }
    public JsonNode peers(String mesh) { return get("/v1/peers" + q("mesh", mesh)); }

    /** Lists the inbox and marks what it returns as seen (like {@code meshwire inbox}). */
    public JsonNode inbox(String mesh, int limit) {
        return inbox(mesh, limit, false, false);
    }

    public JsonNode inbox(String mesh, int limit, boolean unreadOnly, boolean peek) {
        return get("/v1/inbox?limit=" + limit + (mesh != null ? "&mesh=" + enc(mesh) : "") + (unreadOnly ? "&unread=true" : "")
                + (peek ? "&peek=true" : ""));
    }

    /** GET /v1/messages/{id}: the outbox row of a sent message. */
    public JsonNode message(String clientMessageId) {
        return get("/v1/messages/" + enc(clientMessageId).replace("+", "%20"));
    }

    public JsonNode outbox(String states, int limit) {
        return get("/v1/outbox?limit=" + limit + (states != null ? "&state=" + enc(states) : ""));
    }

    public JsonNode requeue(String clientMessageId, String newClientMessageId) {
        return post("/v1/outbox/requeue", map("clientMessageId", clientMessageId, "newClientMessageId", newClientMessageId));
    }

    public JsonNode send(String mesh, String to, String message) {
        return post("/v1/send", map("mesh", mesh, "to", to, "message", message));
    }

    public JsonNode createMesh(String name, String coordinator, String displayName, String adminToken) {
        return post("/v1/meshes", map("name", name, "coordinator", coordinator, "displayName", displayName, "adminToken", adminToken));
    }

    public JsonNode join(String invite, String displayName) {
        return post("/v1/join", map("invite", invite, "displayName", displayName));
    }

    public JsonNode invite(String mesh, int uses, long expiresInMs) {
        return post("/v1/invite", map("mesh", mesh, "uses", uses, "expiresInMs", expiresInMs));
    }

    public void shutdown() { post("/v1/shutdown", Map.of()); }

    /** An SSE event as received. */
    public record SseEvent(String event, String data) {}

    /**
     * Follows {@code /v1/events}, calling {@code onEvent} for each event until it returns false or the
     * stream ends. Blocks the calling thread.
     */
    public void events(Predicate<SseEvent> onEvent) {
        try (IpcHttp.Response res = http.open("GET", "/v1/events", auth("accept", "text/event-stream"), null, timeout)) {
            if (res.status() != 200) throw fromBody(res.status(), res.bodyText());
            res.streamForever();
            try (BufferedReader in = new BufferedReader(new InputStreamReader(res.body(), StandardCharsets.UTF_8))) {
                String event = null;
                StringBuilder data = new StringBuilder();
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.isEmpty()) {
                        if (event != null || data.length() > 0) {
                            if (!onEvent.test(new SseEvent(event == null ? "message" : event, data.toString()))) return;
                        }
                        event = null;
                        data.setLength(0);
                    } else if (line.startsWith("event:")) {
                        event = line.substring(6).trim();
                    } else if (line.startsWith("data:")) {
                        if (data.length() > 0) data.append('\n');
                        data.append(line.substring(5).trim());
                    }
                }
            }
        } catch (IOException e) {
            throw unavailable(e);
        }
    }

    /** The bearer token header, plus {@code more} name/value pairs. */
    private String[] auth(String... more) {
        String[] h = new String[2 + more.length];
        h[0] = "Authorization";
        h[1] = "Bearer " + token;
        System.arraycopy(more, 0, h, 2, more.length);
        return h;
    }

    /** The one request/response path of every non-streaming call: a 2xx body as JSON, else the daemon's error. */
    private JsonNode call(String method, String path, String jsonBody) {
        String[] headers = jsonBody == null ? auth() : auth("content-type", "application/json");
        try (IpcHttp.Response res = http.open(method, path, headers, jsonBody, timeout)) {
            String body = res.bodyText();
            if (res.status() / 100 == 2) {
                return body.isEmpty() ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(body);
            }
            throw fromBody(res.status(), body);
        } catch (IOException e) {
            throw unavailable(e);
        }
    }

    private IpcException unavailable(IOException e) {
        return new IpcException(0, "daemon_unavailable", "cannot reach the daemon at " + base + " ("
                + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")", null);
    }

    private static IpcException fromBody(int status, String body) {
        try {
            JsonNode err = Json.MAPPER.readTree(body).path("error");
            List<String> cands = new ArrayList<>();
            err.path("candidates").forEach(n -> cands.add(n.asText()));
            return new IpcException(status, err.path("code").asText("http_" + status),
                    err.path("message").asText("daemon answered HTTP " + status), cands, err.isObject() ? err : null);
        } catch (IOException | RuntimeException e) {
            return new IpcException(status, "http_" + status, "daemon answered HTTP " + status, null);
        }
    }

    /** {@code ?k=v} (URL-encoded), or "" when {@code v} is null. */
    public static String query(String k, String v) {
        return q(k, v);
    }

    private static String q(String k, String v) {
        return v == null ? "" : "?" + k + "=" + enc(v);
    }

    private static String enc(String v) {
        return URLEncoder.encode(v, StandardCharsets.UTF_8);
    }

    /** A map that skips null values (so absent options stay absent in the JSON). */
    public static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < kv.length; i += 2) if (kv[i + 1] != null) m.put((String) kv[i], kv[i + 1]);
        return m;
    }
}
