package dev.meshwire.peer.ipc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.peer.home.MeshwireHome;
import dev.meshwire.peer.ipc.api.BansReply;
import dev.meshwire.peer.ipc.api.CreateMeshReply;
import dev.meshwire.peer.ipc.api.CreateMeshRequest;
import dev.meshwire.peer.ipc.api.ExpireRequest;
import dev.meshwire.peer.ipc.api.HealthReply;
import dev.meshwire.peer.ipc.api.InboxDeleteReply;
import dev.meshwire.peer.ipc.api.InboxFlushReply;
import dev.meshwire.peer.ipc.api.InboxFlushRequest;
import dev.meshwire.peer.ipc.api.InboxQuery;
import dev.meshwire.peer.ipc.api.InboxReply;
import dev.meshwire.peer.ipc.api.InviteReply;
import dev.meshwire.peer.ipc.api.InviteRequest;
import dev.meshwire.peer.ipc.api.JoinRequest;
import dev.meshwire.peer.ipc.api.MembersReply;
import dev.meshwire.peer.ipc.api.MeshLogReply;
import dev.meshwire.peer.ipc.api.MeshReply;
import dev.meshwire.peer.ipc.api.ForgetMeshRequest;
import dev.meshwire.peer.ipc.api.LeaveRequest;
import dev.meshwire.peer.ipc.api.MeshRemovedReply;
import dev.meshwire.peer.ipc.api.MeshRequest;
import dev.meshwire.peer.ipc.api.ModerateRequest;
import dev.meshwire.peer.ipc.api.ModerationReply;
import dev.meshwire.peer.ipc.api.OutboxQuery;
import dev.meshwire.peer.ipc.api.OutboxReply;
import dev.meshwire.peer.ipc.api.OutboxRow;
import dev.meshwire.peer.ipc.api.PeersReply;
import dev.meshwire.peer.ipc.api.SessionReply;
import dev.meshwire.peer.ipc.api.SessionRequest;
import dev.meshwire.peer.ipc.api.SessionSendReply;
import dev.meshwire.peer.ipc.api.SessionSendRequest;
import dev.meshwire.peer.ipc.api.SessionsReply;
import dev.meshwire.peer.ipc.api.PingReply;
import dev.meshwire.peer.ipc.api.PingRequest;
import dev.meshwire.peer.ipc.api.GrantReply;
import dev.meshwire.peer.ipc.api.GrantRequest;
import dev.meshwire.peer.ipc.api.GrantsReply;
import dev.meshwire.peer.ipc.api.RenameRequest;
import dev.meshwire.peer.ipc.api.ServiceRegisterReply;
import dev.meshwire.peer.ipc.api.ServiceRegisterRequest;
import dev.meshwire.peer.ipc.api.ServiceRevokeReply;
import dev.meshwire.peer.ipc.api.ServiceSendReply;
import dev.meshwire.peer.ipc.api.ServiceSendRequest;
import dev.meshwire.peer.ipc.api.ServiceRevokeRequest;
import dev.meshwire.peer.ipc.api.ServicesReply;
import dev.meshwire.peer.ipc.api.RequeueReply;
import dev.meshwire.peer.ipc.api.RequeueRequest;
import dev.meshwire.peer.ipc.api.RevokeRequest;
import dev.meshwire.peer.ipc.api.RoleRequest;
import dev.meshwire.peer.ipc.api.SendReply;
import dev.meshwire.peer.ipc.api.SendRequest;
import dev.meshwire.peer.ipc.api.StateChangeReply;
import dev.meshwire.peer.ipc.api.StatusReply;
import dev.meshwire.signaling.Json;
import java.io.BufferedReader;
import dev.meshwire.peer.ipc.api.OkReply;
import dev.meshwire.peer.ipc.api.RpcCall;
import dev.meshwire.peer.ipc.api.RpcCallRequest;
import dev.meshwire.peer.ipc.api.RpcHandlerCall;
import dev.meshwire.peer.ipc.api.RpcReplyRequest;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Client of the daemon's IPC API, used by the CLI, nat-test and tests. The typed methods send and return the
 * records of {@link dev.meshwire.peer.ipc.api}; {@link #get}, {@link #post} and {@link #delete} give the wire JSON
 * for tests that assert on it. All methods block and throw {@link IpcException}. Every HTTP exchange goes through
 * {@link #call} and {@link #events}, over {@link IpcHttp} (plain loopback HTTP/1.1; no Vert.x and no java.net.http,
 * so that a CLI call starts fast, docs/benchmarks.md "CLI start-up").
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
        DaemonEndpoint at = DaemonEndpoint.read(home);
        return at == null ? null : new IpcClient(at.port(), at.token());
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

    // ---- wire JSON (tests assert on it)

    public JsonNode get(String path) {
        return tree(call("GET", path, null));
    }

    public JsonNode delete(String path) {
        return tree(call("DELETE", path, null));
    }

    /** POSTs {@code body} (a record of the api package, a map or a JsonNode; null is {@code {}}). */
    public JsonNode post(String path, Object body) {
        return tree(call("POST", path, body == null ? "{}" : write(body)));
    }

    // ---- typed calls (the CLI and nat-test use these)

    public HealthReply health() { return typed(call("GET", "/v1/health", null), HealthReply.class); }

    public StatusReply status() { return typed(call("GET", "/v1/status", null), StatusReply.class); }

    public CreateMeshReply createMesh(CreateMeshRequest req) { return postTyped("/v1/meshes", req, CreateMeshReply.class); }

    public MeshReply join(String invite, String displayName) {
        return postTyped("/v1/join", new JoinRequest(invite, displayName), MeshReply.class);
    }

    public InviteReply invite(String mesh, Integer uses, Long expiresInMs) {
        return postTyped("/v1/invite", new InviteRequest(mesh, uses, expiresInMs), InviteReply.class);
    }

    public PeersReply peers(String mesh) { return typed(call("GET", "/v1/peers" + q("mesh", mesh), null), PeersReply.class); }

    /** {@code GET /v1/peers} as the session whose token is {@code sessionToken} (its own row is marked {@code this}). */
    public PeersReply peers(String mesh, String sessionToken) {
        if (sessionToken == null) return peers(mesh);
        return typed(call("GET", "/v1/peers" + q("mesh", mesh), null, IpcServer.SESSION_HEADER, sessionToken), PeersReply.class);
    }

    // ---- sessions (docs/ipc.md "Sessions")

    public SessionReply createSession(SessionRequest req) { return postTyped("/v1/sessions", req, SessionReply.class); }

    public SessionsReply sessions(String mesh) { return typed(call("GET", "/v1/sessions" + q("mesh", mesh), null), SessionsReply.class); }

    public SessionReply endSession(String idOrToken) {
        return typed(call("DELETE", "/v1/sessions/" + enc(idOrToken).replace("+", "%20"), null), SessionReply.class);
    }

    /** {@code POST /v1/session/send}: sends as the session whose token is {@code sessionToken}. */
    public SessionSendReply sessionSend(String sessionToken, SessionSendRequest req) {
        return typed(call("POST", "/v1/session/send", write(req), IpcServer.SESSION_HEADER, sessionToken), SessionSendReply.class);
    }

    /** The session's own messages (marks them seen unless {@code peek}). */
    public InboxReply sessionInbox(String sessionToken, int limit, boolean unread, boolean peek) {
        return typed(call("GET", "/v1/session/inbox?limit=" + limit + (unread ? "&unread=true" : "") + (peek ? "&peek=true" : ""), null,
                IpcServer.SESSION_HEADER, sessionToken), InboxReply.class);
    }

    public PingReply ping(String mesh, String peer, int count) {
        return postTyped("/v1/ping", new PingRequest(mesh, peer, count), PingReply.class);
    }

    public SendReply send(SendRequest req) { return postTyped("/v1/send", req, SendReply.class); }

    /** POST /v1/files/send: starts sending a file (docs/ipc.md "Files"). */
    public dev.meshwire.peer.ipc.api.FileItem fileSend(dev.meshwire.peer.ipc.api.FileSendRequest req) {
        return postTyped("/v1/files/send", req, dev.meshwire.peer.ipc.api.FileItem.class);
    }

    /** GET /v1/files: transfers, newest first. */
    public dev.meshwire.peer.ipc.api.FilesReply files(int limit) {
        return typed(call("GET", "/v1/files" + query("limit", Integer.toString(limit)), null), dev.meshwire.peer.ipc.api.FilesReply.class);
    }

    /** GET /v1/files/{id}. */
    public dev.meshwire.peer.ipc.api.FileItem file(String id) {
        return typed(call("GET", "/v1/files/" + java.net.URLEncoder.encode(id, java.nio.charset.StandardCharsets.UTF_8), null),
                dev.meshwire.peer.ipc.api.FileItem.class);
    }

    /** POST /v1/files/{id}/accept. */
    public dev.meshwire.peer.ipc.api.FileItem fileAccept(String id, String saveDir) {
        return postTyped("/v1/files/" + java.net.URLEncoder.encode(id, java.nio.charset.StandardCharsets.UTF_8) + "/accept",
                new dev.meshwire.peer.ipc.api.FileAcceptRequest(saveDir), dev.meshwire.peer.ipc.api.FileItem.class);
    }

    /** POST /v1/files/{id}/cancel. */
    public dev.meshwire.peer.ipc.api.FileItem fileCancel(String id) {
        return postTyped("/v1/files/" + java.net.URLEncoder.encode(id, java.nio.charset.StandardCharsets.UTF_8) + "/cancel",
                java.util.Map.of(), dev.meshwire.peer.ipc.api.FileItem.class);
    }

    /** GET /v1/messages/{id}: the outbox row of a sent message. */
    public OutboxRow message(String clientMessageId) {
        return typed(call("GET", "/v1/messages/" + enc(clientMessageId).replace("+", "%20"), null), OutboxRow.class);
    }

    public OutboxReply outbox(OutboxQuery query) {
        String path = "/v1/outbox?limit=" + query.limit() + (query.states().isEmpty() ? "" : "&state=" + enc(String.join(",", query.states())))
                + (query.mesh() != null ? "&mesh=" + enc(query.mesh()) : "");
        return typed(call("GET", path, null), OutboxReply.class);
    }

    public RequeueReply requeue(String clientMessageId, String newClientMessageId) {
        return postTyped("/v1/outbox/requeue", new RequeueRequest(clientMessageId, newClientMessageId), RequeueReply.class);
    }

    /** Lists the inbox; marks what it returns as seen unless {@code peek} (like {@code meshwire inbox}). */
    public InboxReply inbox(InboxQuery query) {
        String path = "/v1/inbox?limit=" + query.limit() + (query.mesh() != null ? "&mesh=" + enc(query.mesh()) : "")
                + (query.unread() ? "&unread=true" : "") + (query.peek() ? "&peek=true" : "")
                + (query.kind() != null ? "&kind=" + enc(query.kind()) : "");
        return typed(call("GET", path, null), InboxReply.class);
    }

    public InboxFlushReply inboxFlush(String mesh, boolean all) {
        return postTyped("/v1/inbox/flush", new InboxFlushRequest(mesh, all), InboxFlushReply.class);
    }

    public InboxDeleteReply inboxDelete(long id) { return typed(call("DELETE", "/v1/inbox/" + id, null), InboxDeleteReply.class); }

    /** {@code op}: kick, ban or unban. */
    public ModerationReply moderate(String op, String mesh, String peer) {
        return postTyped("/v1/" + op, new ModerateRequest(mesh, peer), ModerationReply.class);
    }

    public BansReply bans(String mesh) { return typed(call("GET", "/v1/bans" + q("mesh", mesh), null), BansReply.class); }

    public MembersReply members(String mesh) { return typed(call("GET", "/v1/members" + q("mesh", mesh), null), MembersReply.class); }

    public MeshLogReply meshLog(String mesh) { return typed(call("GET", "/v1/mesh/log" + q("mesh", mesh), null), MeshLogReply.class); }

    public StateChangeReply revoke(RevokeRequest req) { return postTyped("/v1/revoke", req, StateChangeReply.class); }

    public StateChangeReply role(RoleRequest req) { return postTyped("/v1/role", req, StateChangeReply.class); }

    public StateChangeReply expire(ExpireRequest req) { return postTyped("/v1/expire", req, StateChangeReply.class); }

    public StateChangeReply rename(RenameRequest req) { return postTyped("/v1/rename", req, StateChangeReply.class); }

    public GrantReply grant(GrantRequest req) { return postTyped("/v1/grant", req, GrantReply.class); }

    public dev.meshwire.peer.ipc.api.GroupReply createGroup(dev.meshwire.peer.ipc.api.GroupCreateRequest req) {
        return postTyped("/v1/groups", req, dev.meshwire.peer.ipc.api.GroupReply.class);
    }

    public dev.meshwire.peer.ipc.api.GroupReply groupMember(dev.meshwire.peer.ipc.api.GroupMemberRequest req) {
        return postTyped("/v1/groups/member", req, dev.meshwire.peer.ipc.api.GroupReply.class);
    }

    public dev.meshwire.peer.ipc.api.GroupReply deleteGroup(dev.meshwire.peer.ipc.api.GroupDeleteRequest req) {
        return postTyped("/v1/groups/delete", req, dev.meshwire.peer.ipc.api.GroupReply.class);
    }

    public dev.meshwire.peer.ipc.api.GroupsReply groups(String mesh) {
        return typed(call("GET", "/v1/groups" + q("mesh", mesh), null), dev.meshwire.peer.ipc.api.GroupsReply.class);
    }

    public GrantsReply grants(String mesh) { return typed(call("GET", "/v1/grants" + q("mesh", mesh), null), GrantsReply.class); }

    public dev.meshwire.peer.ipc.api.TopicReply topicCreate(dev.meshwire.peer.ipc.api.TopicRequest req) {
        return postTyped("/v1/topics", req, dev.meshwire.peer.ipc.api.TopicReply.class);
    }

    public dev.meshwire.peer.ipc.api.TopicReply topicJoin(dev.meshwire.peer.ipc.api.TopicRequest req) {
        return postTyped("/v1/topics/join", req, dev.meshwire.peer.ipc.api.TopicReply.class);
    }

    public dev.meshwire.peer.ipc.api.TopicReply topicLeave(dev.meshwire.peer.ipc.api.TopicRequest req) {
        return postTyped("/v1/topics/leave", req, dev.meshwire.peer.ipc.api.TopicReply.class);
    }

    public dev.meshwire.peer.ipc.api.TopicsReply topics(String mesh) {
        return typed(call("GET", "/v1/topics" + q("mesh", mesh), null), dev.meshwire.peer.ipc.api.TopicsReply.class);
    }

    public dev.meshwire.peer.ipc.api.TopicHistoryReply topicHistory(String mesh, String topic, Long afterSeq, Integer limit) {
        StringBuilder path = new StringBuilder("/v1/topics/history?topic=").append(java.net.URLEncoder.encode(topic, java.nio.charset.StandardCharsets.UTF_8));
        if (mesh != null) path.append("&mesh=").append(java.net.URLEncoder.encode(mesh, java.nio.charset.StandardCharsets.UTF_8));
        if (afterSeq != null) path.append("&afterSeq=").append(afterSeq);
        if (limit != null) path.append("&limit=").append(limit);
        return typed(call("GET", path.toString(), null), dev.meshwire.peer.ipc.api.TopicHistoryReply.class);
    }

    public ServiceRegisterReply registerService(ServiceRegisterRequest req) { return postTyped("/v1/services", req, ServiceRegisterReply.class); }

    /** {@code GET /v1/sidecars}: the managed bridges and the side-cars that report (docs/ipc.md "Side-cars"). */
    public dev.meshwire.peer.ipc.api.SidecarsReply sidecars() {
        return typed(call("GET", "/v1/sidecars", null), dev.meshwire.peer.ipc.api.SidecarsReply.class);
    }

    public dev.meshwire.peer.ipc.api.SidecarItem sidecarStart(dev.meshwire.peer.ipc.api.SidecarStartRequest req) {
        return postTyped("/v1/sidecars", req, dev.meshwire.peer.ipc.api.SidecarItem.class);
    }

    public dev.meshwire.peer.ipc.api.SidecarItem sidecarStop(String name) {
        return postTyped("/v1/sidecars/stop", new dev.meshwire.peer.ipc.api.SidecarStopRequest(name), dev.meshwire.peer.ipc.api.SidecarItem.class);
    }

    public OkReply sidecarReport(dev.meshwire.peer.ipc.api.SidecarReport report) {
        return postTyped("/v1/sidecars/report", report, OkReply.class);
    }

    public ServicesReply services(String mesh) { return typed(call("GET", "/v1/services" + q("mesh", mesh), null), ServicesReply.class); }

    public ServiceRevokeReply revokeService(ServiceRevokeRequest req) { return postTyped("/v1/services/revoke", req, ServiceRevokeReply.class); }

    /** What was sent to the delegated service {@code name} (marks it seen unless {@code peek}). */
    public InboxReply serviceInbox(String mesh, String name, int limit, boolean unread, boolean peek) {
        return typed(call("GET", "/v1/services/" + enc(name) + "/inbox?limit=" + limit + (mesh != null ? "&mesh=" + enc(mesh) : "")
                + (unread ? "&unread=true" : "") + (peek ? "&peek=true" : ""), null), InboxReply.class);
    }

    /** Sends as the delegated service {@code name}. */
    public ServiceSendReply serviceSend(String name, ServiceSendRequest req) {
        return postTyped("/v1/services/" + enc(name) + "/send", req, ServiceSendReply.class);
    }

    /** {@code POST /v1/services/{name}/subpeers}: the whole set of sub-peers the held service fronts now. */
    public dev.meshwire.peer.ipc.api.SubpeersReply serviceSubpeers(String name, dev.meshwire.peer.ipc.api.SubpeersRequest req) {
        return postTyped("/v1/services/" + enc(name) + "/subpeers", req, dev.meshwire.peer.ipc.api.SubpeersReply.class);
    }

    /** {@code GET /v1/services/{name}/files}: the files the held service received for its sub-peers, not delivered yet. */
    public dev.meshwire.peer.ipc.api.ServiceFilesReply serviceFiles(String mesh, String name) {
        return typed(call("GET", "/v1/services/" + enc(name) + "/files" + q("mesh", mesh), null), dev.meshwire.peer.ipc.api.ServiceFilesReply.class);
    }

    /** {@code POST /v1/services/{name}/files}: send a local file as the held service to a member. */
    public dev.meshwire.peer.ipc.api.FileItem serviceFileSend(String name, dev.meshwire.peer.ipc.api.ServiceFileSendRequest req) {
        return postTyped("/v1/services/" + enc(name) + "/files", req, dev.meshwire.peer.ipc.api.FileItem.class);
    }

    /** {@code POST /v1/services/{name}/files/{id}/delivered}: the app delivered the file; the daemon removes it. */
    public dev.meshwire.peer.ipc.api.ServiceFileItem serviceFileDelivered(String mesh, String name, String id) {
        return typed(call("POST", "/v1/services/" + enc(name) + "/files/" + enc(id) + "/delivered" + q("mesh", mesh), "{}"),
                dev.meshwire.peer.ipc.api.ServiceFileItem.class);
    }

    public MeshReply reconnect(String mesh) { return postTyped("/v1/reconnect", new MeshRequest(mesh), MeshReply.class); }

    /** {@code POST /v1/leave}: leave the mesh on its coordinator, then forget it here. */
    public MeshRemovedReply leave(LeaveRequest req) { return postTyped("/v1/leave", req, MeshRemovedReply.class); }

    /** {@code POST /v1/mesh/forget}: forget the mesh on this machine only. */
    public MeshRemovedReply forgetMesh(ForgetMeshRequest req) { return postTyped("/v1/mesh/forget", req, MeshRemovedReply.class); }

    public void shutdown() { call("POST", "/v1/shutdown", "{}"); }

    /** An SSE event as received. */
    public record SseEvent(String event, String data) {}

    /**
     * Follows {@code /v1/events}, calling {@code onEvent} for each event until it returns false or the
     * stream ends. Blocks the calling thread.
     */
    public void events(Predicate<SseEvent> onEvent) {
        events(null, onEvent);
    }

    /**
     * As {@link #events(Predicate)}, calling {@code onOpen} (if not null) once the daemon's first line ({@code : connected})
     * arrived: the stream is subscribed by then, so whatever the caller reads from the inbox in {@code onOpen} and
     * whatever the stream brings afterwards leave no gap between them (they may overlap; dedupe by inbox id).
     */
    public void events(Runnable onOpen, Predicate<SseEvent> onEvent) {
        sse("/v1/events", onOpen, onEvent);
    }

    // ---- rpc (docs/ipc.md "rpc")

    public RpcCall rpcCall(RpcCallRequest req) { return postTyped("/v1/rpc/call", req, RpcCall.class); }

    /** The call {@code requestId}, the daemon waiting up to {@code waitMs} (at most 25 s) while it is pending. */
    public RpcCall rpcResult(String requestId, long waitMs) {
        return typed(call("GET", "/v1/rpc/calls/" + enc(requestId) + "?waitMs=" + Math.max(0, Math.min(25_000, waitMs)), null), RpcCall.class);
    }

    public OkReply rpcReply(RpcReplyRequest req) { return postTyped("/v1/rpc/reply", req, OkReply.class); }

    /**
     * Serves {@code methods} through a handler stream ({@code GET /v1/rpc/handler}): {@code onOpen} once registered,
     * then {@code onCall} for each call until it returns false or the stream ends (the daemon stopped). Blocks.
     */
    public void rpcHandler(java.util.List<String> methods, Runnable onOpen, Predicate<RpcHandlerCall> onCall) {
        StringBuilder q = new StringBuilder("/v1/rpc/handler");
        for (int i = 0; i < methods.size(); i++) q.append(i == 0 ? '?' : '&').append("method=").append(enc(methods.get(i)));
        sse(q.toString(), onOpen, ev -> {
            if (!"call".equals(ev.event())) return true;
            try {
                return onCall.test(Json.MAPPER.readValue(ev.data(), RpcHandlerCall.class));
            } catch (IOException e) {
                throw new IpcException(0, "bad_reply", "the daemon at " + base + " sent an rpc call this client cannot read", null);
            }
        });
    }

    private void sse(String path, Runnable onOpen, Predicate<SseEvent> onEvent) {
        try (IpcHttp.Response res = http.open("GET", path, auth("accept", "text/event-stream"), null, timeout)) {
            if (res.status() != 200) throw fromBody(res.status(), res.bodyText());
            res.streamForever();
            try (BufferedReader in = new BufferedReader(new InputStreamReader(res.body(), StandardCharsets.UTF_8))) {
                String event = null;
                StringBuilder data = new StringBuilder();
                String line;
                boolean opened = false;
                while ((line = in.readLine()) != null) {
                    if (!opened && onOpen != null) {
                        opened = true;
                        onOpen.run();
                    }
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

    // ---- the transport: the one place that speaks HTTP

    /** The bearer token header, plus {@code more} name/value pairs. */
    private String[] auth(String... more) {
        String[] h = new String[2 + more.length];
        h[0] = "Authorization";
        h[1] = "Bearer " + token;
        System.arraycopy(more, 0, h, 2, more.length);
        return h;
    }

    /** The one request/response path of every non-streaming call: the body of a 2xx answer, else the daemon's error. */
    private String call(String method, String path, String json, String... extra) {
        String[] ct = json == null ? new String[0] : new String[] {"content-type", "application/json"};
        String[] more = new String[ct.length + extra.length];
        System.arraycopy(ct, 0, more, 0, ct.length);
        System.arraycopy(extra, 0, more, ct.length, extra.length);
        String[] headers = auth(more);
        try (IpcHttp.Response res = http.open(method, path, headers, json, timeout)) {
            String body = res.bodyText();
            if (res.status() / 100 == 2) return body;
            throw fromBody(res.status(), body);
        } catch (IOException e) {
            throw unavailable(e);
        }
    }

    // ---- the rest is JSON

    private <T> T postTyped(String path, Object body, Class<T> type) {
        return typed(call("POST", path, write(body)), type);
    }

    private static String write(Object body) {
        try {
            return Json.MAPPER.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private <T> T typed(String body, Class<T> type) {
        try {
            return Json.MAPPER.readValue(body.isEmpty() ? "{}" : body, type);
        } catch (IOException e) {
            throw new IpcException(0, "bad_reply", "the daemon at " + base + " answered a " + type.getSimpleName()
                    + " this client cannot read", null);
        }
    }

    private JsonNode tree(String body) {
        try {
            return body.isEmpty() ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new IpcException(0, "bad_reply", "the daemon at " + base + " answered something that is not JSON", null);
        }
    }

    /** In plain words: which daemon, and whether it refused the connection or did not answer in time. */
    private IpcException unavailable(IOException e) {
        String why = e instanceof ConnectException ? "nothing listens there (is it running? 'meshwire up')"
                : e instanceof SocketTimeoutException ? "it did not answer in time"
                : e instanceof IpcHttp.NotHttp ? "something else listens there (" + e.getMessage() + ")"
                : "the connection broke";
        return new IpcException(0, "daemon_unavailable", "cannot reach the daemon at " + base + ": " + why, null);
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
}
