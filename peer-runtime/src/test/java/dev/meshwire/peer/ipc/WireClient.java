package dev.meshwire.peer.ipc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.peer.home.MeshwireHome;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The daemon's IPC as wire JSON, for tests that assert on what the daemon answers (field names, absent
 * fields, error bodies) rather than on the records the CLI reads. Every call goes through
 * {@link IpcClient#get}, {@link IpcClient#post} and {@link IpcClient#delete}; the reply shapes themselves are
 * checked against docs/ipc-openapi.yaml by {@code IpcContractTest}.
 */
public final class WireClient {
    private final IpcClient ipc;

    private WireClient(IpcClient ipc) {
        this.ipc = ipc;
    }

    public static WireClient of(IpcClient ipc) {
        return ipc == null ? null : new WireClient(ipc);
    }

    public WireClient(int port, String token) {
        this(new IpcClient(port, token));
    }

    public WireClient(int port, String token, Duration timeout) {
        this(new IpcClient(port, token, timeout));
    }

    public static WireClient forHome(MeshwireHome home) {
        return of(IpcClient.forHome(home));
    }

    /** The typed client over the same daemon. */
    public IpcClient typed() { return ipc; }

    public String baseUrl() { return ipc.baseUrl(); }

    public boolean alive() { return ipc.alive(); }

    public JsonNode get(String path) { return ipc.get(path); }

    public JsonNode delete(String path) { return ipc.delete(path); }

    public JsonNode post(String path, Object body) { return ipc.post(path, body); }

    public void events(Predicate<IpcClient.SseEvent> onEvent) { ipc.events(onEvent); }

    public void shutdown() { ipc.shutdown(); }

    public JsonNode status() { return get("/v1/status"); }

    public JsonNode ping(String mesh, String peer, int count) { return post("/v1/ping", map("mesh", mesh, "peer", peer, "count", count)); }

    public JsonNode peers(String mesh) { return get("/v1/peers" + IpcClient.query("mesh", mesh)); }

    /** Whether this daemon lists a peer of that name as online (in any joined mesh). */
    public boolean seesOnline(String name) {
        for (JsonNode p : peers(null).path("items")) {
            if (name.equals(p.path("name").asText()) && p.path("online").asBoolean()) return true;
        }
        return false;
    }

    public JsonNode inbox(String mesh, int limit) {
        return inbox(mesh, limit, false, false);
    }

    public JsonNode inbox(String mesh, int limit, boolean unreadOnly, boolean peek) {
        return get("/v1/inbox?limit=" + limit + (mesh != null ? "&mesh=" + enc(mesh) : "") + (unreadOnly ? "&unread=true" : "")
                + (peek ? "&peek=true" : ""));
    }

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

    /** A request body that skips null values (so absent options stay absent in the JSON). */
    public static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < kv.length; i += 2) if (kv[i + 1] != null) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    private static String enc(String v) {
        return java.net.URLEncoder.encode(v, java.nio.charset.StandardCharsets.UTF_8);
    }
}
