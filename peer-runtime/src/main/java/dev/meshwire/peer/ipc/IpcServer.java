package dev.meshwire.peer.ipc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.ipc.api.FileAcceptRequest;
import dev.meshwire.peer.ipc.api.FileSendRequest;
import dev.meshwire.peer.ipc.api.ForgetMeshRequest;
import dev.meshwire.peer.ipc.api.LeaveRequest;
import dev.meshwire.peer.ipc.api.CreateMeshRequest;
import dev.meshwire.peer.ipc.api.CliRequest;
import dev.meshwire.peer.ipc.api.ErrorFields;
import dev.meshwire.peer.ipc.api.ErrorReply;
import dev.meshwire.peer.ipc.api.ExpireRequest;
import dev.meshwire.peer.ipc.api.InboxQuery;
import dev.meshwire.peer.ipc.api.OkReply;
import dev.meshwire.peer.ipc.api.OutboxQuery;
import dev.meshwire.peer.ipc.api.GrantRequest;
import dev.meshwire.peer.ipc.api.GroupCreateRequest;
import dev.meshwire.peer.ipc.api.GroupDeleteRequest;
import dev.meshwire.peer.ipc.api.GroupMemberRequest;
import dev.meshwire.peer.ipc.api.TopicRequest;
import dev.meshwire.peer.ipc.api.RenameRequest;
import dev.meshwire.peer.ipc.api.ServiceRegisterRequest;
import dev.meshwire.peer.ipc.api.ServiceRevokeRequest;
import dev.meshwire.signaling.service.ServiceAttestation;
import dev.meshwire.peer.ipc.api.RevokeRequest;
import dev.meshwire.peer.ipc.api.RoleRequest;
import dev.meshwire.peer.ipc.api.RpcCallRequest;
import dev.meshwire.peer.ipc.api.RpcError;
import dev.meshwire.peer.ipc.api.RpcReplyRequest;
import dev.meshwire.peer.ipc.api.SendBatchItem;
import dev.meshwire.peer.ipc.api.SendBatchReply;
import dev.meshwire.peer.ipc.api.SendBatchRequest;
import dev.meshwire.peer.ipc.api.SendRequest;
import dev.meshwire.peer.ipc.api.PeerItem;
import dev.meshwire.peer.ipc.api.PeersReply;
import dev.meshwire.peer.ipc.api.ServiceSendRequest;
import dev.meshwire.peer.ipc.api.SubpeersRequest;
import dev.meshwire.peer.ipc.api.SessionRequest;
import dev.meshwire.peer.ipc.api.SessionSendRequest;
import dev.meshwire.peer.ipc.api.SidecarReport;
import dev.meshwire.peer.ipc.api.SidecarStartRequest;
import dev.meshwire.signaling.session.AttestationVerifier;
import dev.meshwire.signaling.Json;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's local HTTP API on 127.0.0.1 (random port). Every request needs
 * {@code Authorization: Bearer <token>} (401 otherwise); a token in the query string is refused with
 * 400 (it would leak into logs and shell history); non-loopback Host headers (DNS rebinding) and any
 * Origin (browsers) get 403. Handlers run on worker threads because they block on JDBC and on
 * coordinator answers. Bodies are JSON only (multipart and forms: 415 before a byte is read; nothing is
 * ever written to disk) and every field is read strictly by {@link RequestFields}; every error, of the
 * HTTP layer included (404, 405, 413, 414, 415), is the {@code {"error":{code,message}}} shape.
 */
public final class IpcServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IpcServer.class);
    static final int MAX_BODY = 1024 * 1024;
    /** Room for JSON escaping around the largest message text, plus the other fields. */
    static final int SEND_BODY_HEADROOM = 64 * 1024;
    /** The longest request line (method, URL, version) decoded; longer is 414 {@code uri_too_long}. */
    static final int MAX_REQUEST_LINE = 8192;
    static final int MAX_LIMIT = 10_000;
    /** The {@code kind} values of {@code GET /v1/inbox} (InboxKind). */
    static final List<String> INBOX_KINDS = List.of("messages", "system", "all");
    static final int MAX_ID_LENGTH = 128;
    static final int MAX_INVITE_USES = 1000;
    static final long MIN_INVITE_MS = 60_000;
    static final long MAX_INVITE_MS = 30L * 24 * 3600 * 1000;
    static final long DEFAULT_INVITE_MS = 24L * 3600 * 1000;
    static final int MAX_PING_COUNT = 100;
    static final List<String> PRIORITIES = List.of("now", "next", "low");
    static final List<String> ROLES = List.of("admin", "member");
    static final int MAX_CLI_ARGS = 256;
    /** The coordinator's largest topic_history page (docs/protocol.md §12.2). */
    static final int MAX_TOPIC_PAGE = 500;
    static final int MAX_CLI_ENV = 64;
    /** Forwarded command lines at once; more wait their turn (each one makes IPC calls of its own on the default pool). */
    static final int CLI_WORKERS = 4;

    private final Vertx vertx;
    private final byte[] token;
    private final DaemonApi api;
    private final EventStreams streams;
    private final RpcHandlerStreams rpcStreams;
    private final CliApi cli;
    /** Forwarded command lines run here, not on the default worker pool: their own IPC calls to this daemon need it. */
    private WorkerExecutor cliWorkers;
    private final List<Endpoint> endpoints = new ArrayList<>();
    private final int sendBodyLimit;
    private HttpServer server;

    /**
     * The body limit of {@code POST /v1/send}: twice the plaintext limit (a text heavy in characters
     * JSON must escape can still be refused with 413 {@code request_too_large}); every other endpoint
     * keeps {@link #MAX_BODY}.
     */
    public static int sendBodyLimit(int maxMessageBytes) {
        return (int) Math.min(Integer.MAX_VALUE, 2L * maxMessageBytes + SEND_BODY_HEADROOM);
    }

    public IpcServer(Vertx vertx, String token, DaemonApi api, EventStreams streams, int sendBodyLimit) {
        this(vertx, token, api, streams, sendBodyLimit, CliApi.NONE);
    }

    /** @param cli runs {@code POST /v1/cli} ({@link CliApi#NONE}: refused) */
    public IpcServer(Vertx vertx, String token, DaemonApi api, EventStreams streams, int sendBodyLimit, CliApi cli) {
        this.cli = cli;
        this.sendBodyLimit = Math.max(MAX_BODY, sendBodyLimit);
        this.vertx = vertx;
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.api = api;
        this.streams = streams;
        this.rpcStreams = new RpcHandlerStreams(vertx, api.rpc());
    }

    /** Binds 127.0.0.1 on a free port and returns it. */
    public int start() {
        Router r = Router.router(vertx);
        cliWorkers = vertx.createSharedWorkerExecutor("meshwire-cli", CLI_WORKERS);
        r.route().handler(this::guard);
        r.route().handler(IpcServer::mediaType);
        // Never to disk: no file uploads (multipart and forms are refused above anyway), bodies held in memory
        // up to the limit. The send route reads its larger body first; the generic handler then sees it was read.
        r.post("/v1/send").handler(BodyHandler.create(false).setBodyLimit(sendBodyLimit));
        r.post("/v1/send/batch").handler(BodyHandler.create(false).setBodyLimit(sendBodyLimit));
        r.route().handler(BodyHandler.create(false).setBodyLimit(MAX_BODY));
        r.route().failureHandler(this::failure);
        get(r, "/v1/health", ctx -> blocking(ctx, api.control()::health));
        get(r, "/v1/status", ctx -> blocking(ctx, api.control()::status));
        post(r, "/v1/meshes", ctx -> blocking(ctx, () -> {
            RequestFields b = body(ctx);
            return api.membership().createMesh(new CreateMeshRequest(b.requiredName("name"), b.requiredName("coordinator"),
                    b.name("displayName"), b.name("adminToken")));
        }));
        post(r, "/v1/join", ctx -> blocking(ctx, () -> {
            RequestFields b = body(ctx);
            return api.membership().join(b.requiredName("invite"), b.name("displayName"));
        }));
        post(r, "/v1/invite", ctx -> blocking(ctx, () -> {
            RequestFields b = body(ctx);
            String mesh = b.name("mesh");
            int uses = (int) b.integer("uses", 1, MAX_INVITE_USES, 1);
            long expiresInMs = b.integer("expiresInMs", MIN_INVITE_MS, MAX_INVITE_MS, DEFAULT_INVITE_MS);
            return api.membership().invite(mesh, uses, expiresInMs);
        }));
        post(r, "/v1/ping", ctx -> blocking(ctx, () -> {
            RequestFields b = body(ctx);
            return api.membership().ping(b.name("mesh"), b.requiredName("peer"), (int) b.integer("count", 1, MAX_PING_COUNT, 10));
        }));
        get(r, "/v1/peers", ctx -> blocking(ctx, () -> {
            PeersReply reply = api.membership().peers(RequestFields.queryName(ctx.request(), "mesh"));
            String token = sessionToken(ctx);
            if (token == null) return reply;
            String mine = api.sessions().pubkeyOf(token); // the caller's own session is marked "this"
            return new PeersReply(reply.mesh(), reply.connected(), reply.state(), reply.stateVersion(), reply.stateVerified(),
                    reply.items().stream().map(p -> mine.equals(p.pubkey()) ? p.withSession(PeerItem.THIS_SESSION) : p).toList());
        }));
        post(r, "/v1/sessions", ctx -> blocking(ctx, () -> {
            RequestFields b = body(ctx);
            return api.sessions().create(new SessionRequest(b.name("mesh"), b.name("name"),
                    b.integer("ttlMs", 1_000, AttestationVerifier.SESSION_MAX_TTL_MS), b.stringList("caps"),
                    b.integer("pid", 1, Long.MAX_VALUE)));
        }));
        get(r, "/v1/sessions", ctx -> blocking(ctx, () -> api.sessions().sessions(RequestFields.queryName(ctx.request(), "mesh"))));
        route(r, HttpMethod.DELETE, "/v1/sessions/:id", ctx -> blocking(ctx, () -> api.sessions().end(ctx.pathParam("id"))));
        post(r, "/v1/session/send", ctx -> blocking(ctx, () -> {
            RequestFields b = body(ctx);
            String token = sessionToken(ctx);
            if (token == null) throw new PeerException(PeerException.BAD_REQUEST, "the Meshwire-Session header (the session's token) is required",
                    List.of(), ErrorFields.field("Meshwire-Session"));
            String cmid = b.string("clientMessageId");
            if (cmid != null) checkClientId("clientMessageId", cmid);
            return api.sessions().send(token, new SessionSendRequest(b.requiredName("to"), b.requiredString("message"),
                    b.oneOf("priority", PRIORITIES), cmid, replyToId(b)));
        }));
        get(r, "/v1/session/inbox", ctx -> blocking(ctx, () -> {
            var req = ctx.request();
            String token = sessionToken(ctx);
            if (token == null) throw new PeerException(PeerException.BAD_REQUEST, "the Meshwire-Session header (the session's token) is required",
                    List.of(), ErrorFields.field("Meshwire-Session"));
            return api.sessions().inbox(token, new InboxQuery(null, RequestFields.queryInt(req, "limit", 1, MAX_LIMIT, 50),
                    RequestFields.queryBool(req, "unread"), RequestFields.queryBool(req, "peek")));
        }));
        post(r, "/v1/send", ctx -> blocking(ctx, () -> {
            RequestFields b = body(ctx);
            String cmid = b.string("clientMessageId");
            List<String> keys = ctx.request().headers().getAll("Idempotency-Key");
            if (keys.size() > 1) throw RequestFields.bad("Idempotency-Key", "header is given more than once");
            if (!keys.isEmpty()) {
                String header = keys.get(0);
                checkClientId("Idempotency-Key", header);
                if (cmid != null && !cmid.equals(header)) {
                    throw new PeerException(PeerException.BAD_REQUEST, "the Idempotency-Key header and field 'clientMessageId' differ");
                }
                cmid = header;
            }
            return api.outbox().send(sendRequest(b, cmid));
        }));
        // Many sends per call (docs/ipc.md "Batch send"): the HTTP exchange and the outbox commit are shared.
        post(r, "/v1/send/batch", ctx -> blocking(ctx, () -> {
            if (ctx.request().headers().contains("Idempotency-Key")) {
                throw RequestFields.bad("Idempotency-Key", "header is not taken by a batch; give each send its clientMessageId");
            }
            List<RequestFields> items = body(ctx).objects("messages", SendBatchRequest.MAX);
            List<SendRequest> sends = new ArrayList<>(items.size());
            List<SendBatchItem> refused = new ArrayList<>(java.util.Collections.nCopies(items.size(), (SendBatchItem) null));
            for (int i = 0; i < items.size(); i++) {
                try {
                    sends.add(sendRequest(items.get(i), items.get(i).string("clientMessageId")));
                } catch (PeerException e) {
                    sends.add(null);
                    refused.set(i, new SendBatchItem(e.httpStatus(), null, Errors.reply(e).error()));
                }
            }
            List<SendRequest> valid = sends.stream().filter(java.util.Objects::nonNull).toList();
            SendBatchReply done = api.outbox().sendBatch(valid);
            List<SendBatchItem> results = new ArrayList<>(items.size());
            int next = 0;
            for (int i = 0; i < items.size(); i++) results.add(sends.get(i) != null ? done.results().get(next++) : refused.get(i));
            int ok = (int) results.stream().filter(x -> x.reply() != null).count();
            return new SendBatchReply(ok, results.size() - ok, results);
        }));
        get(r, "/v1/messages/:id", ctx -> blocking(ctx, () -> api.outbox().message(ctx.pathParam("id"))));
        get(r, "/v1/outbox", ctx -> blocking(ctx, () -> {
            String st = RequestFields.query(ctx.request(), "state");
            List<String> states = st == null || st.isBlank() ? List.of() : List.of(st.split(",", -1));
            return api.outbox().outbox(new OutboxQuery(states, RequestFields.queryName(ctx.request(), "mesh"),
                    RequestFields.queryInt(ctx.request(), "limit", 1, MAX_LIMIT, 50)));
        }));
        post(r, "/v1/outbox/requeue", ctx -> blocking(ctx, () -> {
            RequestFields b = body(ctx);
            String old = b.requiredName("clientMessageId");
            String fresh = b.string("newClientMessageId");
            if (fresh != null) checkClientId("newClientMessageId", fresh);
            return api.outbox().requeue(old, fresh);
        }));
        get(r, "/v1/inbox", ctx -> blocking(ctx, () -> {
            var req = ctx.request();
            return api.inbox().inbox(new InboxQuery(RequestFields.queryName(req, "mesh"), RequestFields.queryInt(req, "limit", 1, MAX_LIMIT, 50),
                    RequestFields.queryBool(req, "unread"), RequestFields.queryBool(req, "peek"),
                    RequestFields.queryOneOf(req, "kind", INBOX_KINDS)));
        }));
        post(r, "/v1/inbox/flush", ctx -> blocking(ctx, () -> {
            RequestFields b = body(ctx);
            return api.inbox().inboxFlush(b.name("mesh"), b.bool("all", false));
        }));
        route(r, HttpMethod.DELETE, "/v1/inbox/:id", ctx -> blocking(ctx, () -> {
            String raw = ctx.pathParam("id");
            long id;
            try {
                id = Long.parseLong(raw);
            } catch (NumberFormatException e) {
                id = 0;
            }
            if (id < 1) {
                throw new PeerException(PeerException.BAD_REQUEST, "the inbox id in the path must be a positive integer (got '"
                        + RequestFields.clip(raw) + "')", List.of(), ErrorFields.field("id"));
            }
            return api.inbox().inboxDelete(id);
        }));
        for (String op : List.of("kick", "ban", "unban")) {
            post(r, "/v1/" + op, ctx -> blocking(ctx, () -> {
                RequestFields b = body(ctx);
                return api.moderation().moderate(op, b.name("mesh"), b.requiredName("peer"));
            }));
        }
        get(r, "/v1/members", ctx -> blocking(ctx, () ->
                api.meshState().members(RequestFields.queryName(ctx.request(), "mesh"))));
        get(r, "/v1/mesh/log", ctx -> blocking(ctx, () ->
                api.meshState().log(RequestFields.queryName(ctx.request(), "mesh"))));
        post(r, "/v1/revoke", ctx -> blocking(ctx, () -> {
            RequestFields b = body(ctx);
            return api.meshState().revoke(new RevokeRequest(b.name("mesh"), b.requiredName("peer"), b.string("reason")));
        }));
        post(r, "/v1/role", ctx -> blocking(ctx, () -> {
            RequestFields b = body(ctx);
            String mesh = b.name("mesh");
            String peer = b.requiredName("peer");
            String role = b.oneOf("role", ROLES);
            if (role == null) throw RequestFields.bad("role", "is required (one of " + String.join(", ", ROLES) + ")");
            return api.meshState().setRole(new RoleRequest(mesh, peer, role));
        }));
        post(r, "/v1/expire", ctx -> blocking(ctx, () -> {
            RequestFields b = body(ctx);
            String mesh = b.name("mesh");
            String peer = b.requiredName("peer");
            Long at = b.integer("expiresAt", 1, RequestFields.MAX_EPOCH_MS);
            boolean never = b.bool("never", false);
            return api.meshState().setExpiry(new ExpireRequest(mesh, peer, at, never ? true : null));
        }));
        post(r, "/v1/rename", ctx -> blocking(ctx, () -> {
            RequestFields b = body(ctx);
            return api.meshState().rename(new RenameRequest(b.name("mesh"), b.requiredName("name")));
        }));
        post(r, "/v1/grant", ctx -> blocking(ctx, () -> {
            RequestFields b = body(ctx);
            String caps = b.string("caps");
            boolean reset = b.bool("reset", false);
            if (reset == (caps != null)) throw RequestFields.bad("caps", "is required (a comma-separated list, \"\" to block), unless reset is true");
            return api.grants().grant(new GrantRequest(b.name("mesh"), b.requiredName("peer"), caps, reset ? true : null));
        }));
        get(r, "/v1/grants", ctx -> blocking(ctx, () -> api.grants().grants(RequestFields.queryName(ctx.request(), "mesh"))));
        get(r, "/v1/groups", ctx -> blocking(ctx, () -> api.groups().list(RequestFields.queryName(ctx.request(), "mesh"))));
        post(r, "/v1/groups", ctx -> blocking(ctx, () -> {
            RequestFields b = body(ctx);
            return api.groups().create(new GroupCreateRequest(b.name("mesh"), b.requiredName("name")));
        }));
        post(r, "/v1/groups/member", ctx -> blocking(ctx, () -> {
            RequestFields b = body(ctx);
            boolean remove = b.bool("remove", false);
            return api.groups().member(new GroupMemberRequest(b.name("mesh"), b.requiredName("group"), b.requiredName("member"),
                    b.name("role"), remove ? true : null));
        }));
        post(r, "/v1/groups/delete", ctx -> blocking(ctx, () -> {
            RequestFields b = body(ctx);
            return api.groups().delete(new GroupDeleteRequest(b.name("mesh"), b.requiredName("name")));
        }));
        // Topics (docs/protocol.md §12.2); posting is /v1/send with to = "#name".
        post(r, "/v1/topics", ctx -> blocking(ctx, () -> {
            RequestFields b = body(ctx);
            return api.topics().create(new TopicRequest(b.name("mesh"), b.requiredName("topic"), null));
        }));
        post(r, "/v1/topics/join", ctx -> blocking(ctx, () -> {
            RequestFields b = body(ctx);
            return api.topics().join(new TopicRequest(b.name("mesh"), b.requiredName("topic"), null));
        }));
        post(r, "/v1/topics/leave", ctx -> blocking(ctx, () -> {
            RequestFields b = body(ctx);
            return api.topics().leave(new TopicRequest(b.name("mesh"), b.requiredName("topic"), b.name("member")));
        }));
        get(r, "/v1/topics", ctx -> blocking(ctx, () -> api.topics().list(RequestFields.queryName(ctx.request(), "mesh"))));
        get(r, "/v1/topics/history", ctx -> blocking(ctx, () -> {
            HttpServerRequest req = ctx.request();
            String topic = RequestFields.queryName(req, "topic");
            if (topic == null) throw RequestFields.badQuery("topic", "is required (a topic name, e.g. general or #general)");
            String after = RequestFields.query(req, "afterSeq");
            return api.topics().history(RequestFields.queryName(req, "mesh"), topic,
                    after == null ? null : (long) RequestFields.queryInt(req, "afterSeq", 0, Integer.MAX_VALUE, 0),
                    RequestFields.queryInt(req, "limit", 1, MAX_TOPIC_PAGE, MAX_TOPIC_PAGE));
        }));
        post(r, "/v1/services", ctx -> blocking(ctx, () -> {
            RequestFields b = body(ctx);
            return api.services().register(new ServiceRegisterRequest(b.name("mesh"), b.requiredName("name"), b.requiredName("type"),
                    b.requiredName("scopes"), b.integer("ttlMs", 60_000, ServiceAttestation.MAX_TTL_MS), b.bool("delegate", false) ? true : null));
        }));
        get(r, "/v1/services", ctx -> blocking(ctx, () -> api.services().list(RequestFields.queryName(ctx.request(), "mesh"))));
        post(r, "/v1/services/revoke", ctx -> blocking(ctx, () -> {
            RequestFields b = body(ctx);
            return api.services().revoke(new ServiceRevokeRequest(b.name("mesh"), b.requiredName("name"), b.string("reason")));
        }));
        get(r, "/v1/services/:name/inbox", ctx -> blocking(ctx, () -> {
            var req = ctx.request();
            return api.services().inbox(RequestFields.queryName(req, "mesh"), ctx.pathParam("name"), new InboxQuery(null,
                    RequestFields.queryInt(req, "limit", 1, MAX_LIMIT, 50), RequestFields.queryBool(req, "unread"), RequestFields.queryBool(req, "peek")));
        }));
        post(r, "/v1/services/:name/send", ctx -> blocking(ctx, () -> {
            RequestFields b = body(ctx);
            String cmid = b.string("clientMessageId");
            if (cmid != null) checkClientId("clientMessageId", cmid);
            return api.services().send(ctx.pathParam("name"), new ServiceSendRequest(b.name("mesh"), b.requiredName("to"), b.requiredString("message"),
                    b.oneOf("priority", PRIORITIES), cmid));
        }));
        // Side-cars (docs/livekit.md "Managed bridges"): managed bridges and the reports of running side-cars.
        get(r, "/v1/sidecars", ctx -> blocking(ctx, () -> api.sidecars().list()));
        post(r, "/v1/sidecars", ctx -> blocking(ctx, () -> {
            RequestFields b = body(ctx);
            return api.sidecars().start(new SidecarStartRequest(b.requiredName("name"), b.requiredName("kind"),
                    b.requiredStrings("args", MAX_CLI_ARGS), b.requiredString("classPath")));
        }));
        post(r, "/v1/sidecars/stop", ctx -> blocking(ctx, () -> api.sidecars().stop(body(ctx).requiredName("name"))));
        post(r, "/v1/sidecars/report", ctx -> blocking(ctx, () -> {
            RequestFields b = body(ctx);
            long max = Long.MAX_VALUE;
            return api.sidecars().report(new SidecarReport(b.requiredName("name"), b.requiredName("kind"), b.integer("pid", 0, max, 0),
                    b.name("mesh"), b.name("service"), b.string("url"), b.string("room"), b.bool("connected", false),
                    (int) b.integer("participants", 0, Integer.MAX_VALUE, 0), b.integer("packetsToRoom", 0, max, 0),
                    b.integer("bytesToRoom", 0, max, 0), b.integer("packetsFromRoom", 0, max, 0), b.integer("bytesFromRoom", 0, max, 0),
                    b.integer("roomToMesh", 0, max, 0), b.integer("meshToRoom", 0, max, 0), b.integer("refused", 0, max, 0),
                    b.integer("dropped", 0, max, 0), b.integer("duplicates", 0, max, 0), b.integer("reconnects", 0, max, 0),
                    b.integer("queueToMesh", 0, max, 0), b.integer("queueToRoom", 0, max, 0),
                    b.string("lastError") == null ? "" : RequestFields.clip(b.string("lastError"))));
        }));
        post(r, "/v1/services/:name/subpeers", ctx -> blocking(ctx, () -> {
            RequestFields b = body(ctx);
            return api.services().subpeers(ctx.pathParam("name"), new SubpeersRequest(b.name("mesh"),
                    b.requiredStrings("names", dev.meshwire.signaling.subpeer.SubpeerSet.MAX_NAMES)));
        }));
        get(r, "/v1/services/:name/files", ctx -> blocking(ctx, () ->
                api.services().files(RequestFields.queryName(ctx.request(), "mesh"), ctx.pathParam("name"))));
        post(r, "/v1/services/:name/files", ctx -> blocking(ctx, () -> {
            RequestFields b = body(ctx);
            return api.services().sendFile(ctx.pathParam("name"), new dev.meshwire.peer.ipc.api.ServiceFileSendRequest(b.name("mesh"),
                    b.requiredName("to"), b.requiredString("path")));
        }));
        post(r, "/v1/services/:name/files/:id/delivered", ctx -> blocking(ctx, () ->
                api.services().fileDelivered(RequestFields.queryName(ctx.request(), "mesh"), ctx.pathParam("name"), ctx.pathParam("id"))));
        post(r, "/v1/reconnect", ctx -> blocking(ctx, () -> api.membership().reconnect(body(ctx).name("mesh"))));
        post(r, "/v1/leave", ctx -> blocking(ctx, () -> {
            RequestFields b = body(ctx);
            return api.membership().leave(new LeaveRequest(b.name("mesh"), b.bool("force", false)));
        }));
        post(r, "/v1/mesh/forget", ctx -> blocking(ctx, () -> {
            RequestFields b = body(ctx);
            return api.membership().forget(new ForgetMeshRequest(b.requiredName("mesh"), b.bool("force", false)));
        }));
        post(r, "/v1/cli", ctx -> blocking(ctx, cliWorkers, () -> {
            RequestFields b = body(ctx);
            List<String> args = b.requiredStrings("args", MAX_CLI_ARGS);
            java.util.Map<String, String> env = b.stringMap("env", MAX_CLI_ENV);
            String cwd = b.requiredName("cwd");
            return cli.run(new CliRequest(args, env, cwd, b.requiredBool("stdoutIsTerminal")));
        }));
        post(r, "/v1/files/send", ctx -> blocking(ctx, () -> {
            RequestFields b = body(ctx);
            return api.files().send(new FileSendRequest(b.name("mesh"), b.requiredName("peer"), b.requiredString("path")));
        }));
        get(r, "/v1/files", ctx -> blocking(ctx, () -> api.files().list(RequestFields.queryInt(ctx.request(), "limit", 1, MAX_LIMIT, 50))));
        get(r, "/v1/files/:id", ctx -> blocking(ctx, () -> api.files().get(ctx.pathParam("id"))));
        post(r, "/v1/files/:id/accept", ctx -> blocking(ctx, () -> {
            RequestFields b = body(ctx);
            return api.files().accept(ctx.pathParam("id"), new FileAcceptRequest(b.string("saveDir")));
        }));
        post(r, "/v1/files/:id/cancel", ctx -> blocking(ctx, () -> {
            body(ctx);
            return api.files().cancel(ctx.pathParam("id"));
        }));
        get(r, "/v1/bans", ctx -> blocking(ctx, () -> api.moderation().bans(RequestFields.queryName(ctx.request(), "mesh"))));
        post(r, "/v1/shutdown", ctx -> {
            try {
                body(ctx);
            } catch (PeerException e) {
                peerError(ctx.response(), e);
                return;
            }
            json(ctx.response(), 200, new OkReply(true)).onComplete(x -> api.control().shutdown());
        });
        post(r, "/v1/rpc/call", ctx -> blocking(ctx, () -> {
            RequestFields b = body(ctx);
            return api.rpc().call(new RpcCallRequest(b.name("mesh"), b.requiredName("peer"), b.requiredName("method"), b.any("args"),
                    b.integer("timeoutMs", 1, Long.MAX_VALUE), b.bool("queueIfOffline", false), b.name("requestId")));
        }));
        get(r, "/v1/rpc/calls/:id", ctx -> blocking(ctx, () -> api.rpc().result(ctx.pathParam("id"),
                RequestFields.queryInt(ctx.request(), "waitMs", 0, 25_000, 0))));
        post(r, "/v1/rpc/reply", ctx -> blocking(ctx, () -> {
            RequestFields b = body(ctx);
            com.fasterxml.jackson.databind.JsonNode err = b.object("error");
            RpcError error = err == null ? null : new RpcError(err.path("code").isTextual() ? err.get("code").textValue() : null,
                    err.path("message").isTextual() ? err.get("message").textValue() : null);
            Long callId = b.integer("callId", 1, Long.MAX_VALUE);
            if (callId == null) throw RequestFields.bad("callId", "is required");
            return api.rpc().reply(new RpcReplyRequest(callId, b.any("result"), error));
        }));
        get(r, "/v1/rpc/handler", rpcStreams::serve);
        get(r, "/v1/events", streams::serve);
        r.route().last().handler(this::noRoute);
        // Anything that escapes the router's handlers still answers in the error shape.
        for (int status : new int[] {400, 404, 405, 413, 415, 500}) r.errorHandler(status, this::failure);
        // HTTP/1.1 only (docs/ipc.md): no h2c upgrade, so every client error is an HTTP answer in the error shape,
        // never an HTTP/2 GOAWAY.
        server = vertx.createHttpServer(new HttpServerOptions().setMaxInitialLineLength(MAX_REQUEST_LINE).setHttp2ClearTextEnabled(false))
                .invalidRequestHandler(IpcServer::invalidRequest)
                .requestHandler(r).listen(0, "127.0.0.1").await();
        return server.actualPort();
    }

    /** The header an app sends to act as one of the daemon's sessions (docs/ipc.md "Sessions"). */
    public static final String SESSION_HEADER = "Meshwire-Session";

    /** The {@link #SESSION_HEADER} of the request, or null; given twice is a 400. */
    private static String sessionToken(RoutingContext ctx) {
        List<String> all = ctx.request().headers().getAll(SESSION_HEADER);
        if (all.size() > 1) throw RequestFields.bad(SESSION_HEADER, "header is given more than once");
        return all.isEmpty() || all.get(0).isBlank() ? null : all.get(0).trim();
    }

    private record Endpoint(HttpMethod method, String template, Pattern path) {}

    private void route(Router r, HttpMethod method, String path, Handler<RoutingContext> h) {
        r.route(method, path).handler(h);
        endpoints.add(new Endpoint(method, path, Pattern.compile(path.replaceAll(":[a-z]+", "[^/]+"))));
    }

    /** Every endpoint once started, as {@code METHOD /path} with {@code :name} for path parameters (docs/ipc.md lists them). */
    public List<String> routes() {
        return endpoints.stream().map(e -> e.method().name() + " " + e.template()).toList();
    }

    private void get(Router r, String path, Handler<RoutingContext> h) {
        route(r, HttpMethod.GET, path, h);
    }

    private void post(Router r, String path, Handler<RoutingContext> h) {
        route(r, HttpMethod.POST, path, h);
    }

    /** 405 with Allow for a known path, else 404. */
    private void noRoute(RoutingContext ctx) {
        String path = ctx.request().path();
        List<String> allowed = new ArrayList<>();
        for (Endpoint e : endpoints) {
            if (e.path().matcher(path).matches() && !allowed.contains(e.method().name())) allowed.add(e.method().name());
        }
        if (allowed.isEmpty()) {
            error(ctx.response(), 404, "not_found", "no such endpoint: " + ctx.request().method().name() + " "
                    + RequestFields.clip(path));
        } else {
            ctx.response().putHeader("Allow", String.join(", ", allowed));
            error(ctx.response(), 405, "method_not_allowed", ctx.request().method().name() + " is not allowed on "
                    + RequestFields.clip(path) + "; use " + String.join(" or ", allowed));
        }
    }

    /**
     * Only JSON bodies: a multipart or form upload (or any other Content-Type) is refused with 415 before a byte of
     * the body is read, so nothing is ever parsed as a form or written to disk. GET and DELETE take no body.
     */
    private static void mediaType(RoutingContext ctx) {
        var req = ctx.request();
        String ct = req.getHeader("Content-Type");
        if (ct != null) {
            String[] parts = ct.split(";", -1);
            String type = parts[0].trim().toLowerCase(Locale.ROOT);
            boolean json = type.equals("application/json");
            for (int i = 1; json && i < parts.length; i++) {
                String p = parts[i].trim().toLowerCase(Locale.ROOT).replace("\"", "");
                if (p.startsWith("charset=") && !p.equals("charset=utf-8")) json = false;
            }
            if (!json) {
                String msg = type.startsWith("multipart/") || type.equals("application/x-www-form-urlencoded")
                        ? "multipart and form uploads are not accepted; send a JSON object with Content-Type: application/json"
                        : "Content-Type must be application/json (UTF-8), not '" + RequestFields.clip(ct) + "'";
                closing(ctx.response());
                error(ctx.response(), 415, "unsupported_media_type", msg);
                return;
            }
        }
        if ((req.method() == HttpMethod.GET || req.method() == HttpMethod.DELETE || req.method() == HttpMethod.HEAD) && hasBody(req)) {
            closing(ctx.response());
            error(ctx.response(), 400, PeerException.BAD_REQUEST, req.method().name() + " requests take no body");
            return;
        }
        ctx.next();
    }

    private static boolean hasBody(HttpServerRequest req) {
        if (req.getHeader("Transfer-Encoding") != null) return true;
        String len = req.getHeader("Content-Length");
        return len != null && !len.trim().equals("0");
    }

    /** The body was not read: do not reuse the connection for a next request. */
    private static void closing(HttpServerResponse res) {
        res.putHeader("Connection", "close");
    }

    /** Failures of the router (body limit, an exception in a handler): the error shape, a stack trace only for bugs. */
    private void failure(RoutingContext ctx) {
        HttpServerResponse res = ctx.response();
        if (res.ended() || res.closed()) return;
        Throwable f = ctx.failure();
        int status = ctx.statusCode();
        if (f instanceof PeerException pe) {
            peerError(res, pe);
        } else if (status == 413) {
            closing(res);
            error(res, 413, "request_too_large", "the request body is larger than this endpoint accepts ("
                    + (ctx.request().path().startsWith("/v1/send") ? sendBodyLimit : MAX_BODY) + " bytes)");
        } else if (status == 404 || status == 405) {
            noRoute(ctx);
        } else if (status == 415) {
            error(res, 415, "unsupported_media_type", "Content-Type must be application/json");
        } else if (status >= 400 && status < 500) {
            log.info("IPC {} {}: refused with {}", ctx.request().method(), RequestFields.clip(ctx.request().path()), status);
            error(res, status, PeerException.BAD_REQUEST, "the request could not be read");
        } else {
            log.error("IPC {} {} failed", ctx.request().method(), RequestFields.clip(ctx.request().path()), f);
            error(res, 500, PeerException.INTERNAL, "internal error; see the daemon log");
        }
    }

    /** Requests the HTTP decoder refused (request line or headers too long, malformed): the error shape too. */
    static void invalidRequest(HttpServerRequest req) {
        Throwable cause = req.decoderResult() == null ? null : req.decoderResult().cause();
        HttpServerResponse res = req.response();
        closing(res);
        if (cause instanceof TooLongHttpLineException) {
            error(res, 414, "uri_too_long", "the request line is longer than " + MAX_REQUEST_LINE + " bytes");
        } else if (cause instanceof TooLongHttpHeaderException) {
            error(res, 431, "headers_too_large", "the request headers are larger than this server accepts");
        } else {
            error(res, 400, PeerException.BAD_REQUEST, "malformed HTTP request");
        }
    }

    /** The rule of a client message id (docs/delivery.md), naming the field or header it came from. */
    static void checkClientId(String field, String id) {
        if (id.isEmpty() || id.length() > MAX_ID_LENGTH || id.contains("|") || !id.strip().equals(id)
                || id.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f)) {
            throw RequestFields.bad(field, "must be 1..128 printable characters without '|' or surrounding spaces");
        }
    }

    private void guard(RoutingContext ctx) {
        var req = ctx.request();
        if (req.params().contains("token") || req.params().contains("access_token")) {
            log.warn("security: IPC request with a token in the query string refused ({} {})", req.method(), req.path());
            error(ctx.response(), 400, "token_in_query", "the token must be sent in the Authorization header, never in the URL");
            return;
        }
        String host = req.getHeader("Host");
        if (host != null && !host.isEmpty()) {
            String h = host.startsWith("[") ? host.substring(0, host.indexOf(']') + 1)
                    : (host.contains(":") ? host.substring(0, host.indexOf(':')) : host);
            if (!h.equals("localhost") && !h.equals("127.0.0.1") && !h.equals("[::1]")) {
                error(ctx.response(), 403, "forbidden_host", "Host must be localhost or 127.0.0.1");
                return;
            }
        }
        if (req.getHeader("Origin") != null || req.method() == HttpMethod.OPTIONS) {
            error(ctx.response(), 403, "forbidden_origin", "browser origins are not allowed");
            return;
        }
        String auth = req.getHeader("Authorization");
        if (auth == null || !auth.startsWith("Bearer ")
                || !MessageDigest.isEqual(auth.substring(7).trim().getBytes(StandardCharsets.UTF_8), token)) {
            error(ctx.response(), 401, "unauthorized", "missing or wrong bearer token (see the daemon's token file)");
            return;
        }
        ctx.next();
    }

    private void blocking(RoutingContext ctx, Callable<Object> work) {
        blocking(ctx, null, work);
    }

    /** Runs {@code work} on {@code pool} (null: Vert.x's default worker pool) and answers its result or error. */
    private void blocking(RoutingContext ctx, WorkerExecutor pool, Callable<Object> work) {
        (pool == null ? vertx.executeBlocking(work, false) : pool.executeBlocking(work, false)).onComplete(ar -> {
            HttpServerResponse res = ctx.response();
            if (res.ended()) return;
            if (ar.succeeded()) {
                if (ar.result() instanceof IpcReply<?> reply) json(res, reply.status(), reply.body());
                else json(res, 200, ar.result());
            } else if (ar.cause() instanceof PeerException pe) {
                peerError(res, pe);
            } else {
                log.error("IPC {} {} failed", ctx.request().method(), RequestFields.clip(ctx.request().path()), ar.cause());
                error(res, 500, PeerException.INTERNAL, "internal error; see the daemon log");
            }
        });
    }

    /** The fields of one send ({@code POST /v1/send}, or one item of a batch); {@code cmid} already read. */
    private static SendRequest sendRequest(RequestFields b, String cmid) {
        String mesh = b.name("mesh");
        String to = b.requiredName("to");
        String message = b.requiredString("message");
        String priority = b.oneOf("priority", PRIORITIES);
        if (cmid != null) checkClientId("clientMessageId", cmid);
        String replyToId = replyToId(b);
        JsonNode meta = b.object("meta");
        return new SendRequest(mesh, to, message, priority, cmid, replyToId, meta);
    }

    /** The optional {@code replyToId} of a send (member or session): a name-like id of at most 128 characters. */
    private static String replyToId(RequestFields b) {
        String replyToId = b.name("replyToId");
        if (replyToId != null && replyToId.length() > MAX_ID_LENGTH) {
            throw RequestFields.bad("replyToId", "must be at most " + MAX_ID_LENGTH + " characters");
        }
        return replyToId;
    }

    private static RequestFields body(RoutingContext ctx) {
        var buf = ctx.body() == null ? null : ctx.body().buffer();
        return RequestFields.parse(buf == null ? null : buf.getBytes());
    }

    private static void peerError(HttpServerResponse res, PeerException pe) {
        json(res, pe.httpStatus(), Errors.reply(pe));
    }

    /** Writes one record (a reply of {@code dev.meshwire.peer.ipc.api}) as the JSON body. */
    private static Future<Void> json(HttpServerResponse res, int status, Object body) {
        try {
            return res.setStatusCode(status).putHeader("content-type", "application/json")
                    .end(Json.MAPPER.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            log.error("IPC reply could not be serialized", e);
            return res.setStatusCode(500).putHeader("content-type", "application/json")
                    .end("{\"error\":{\"code\":\"internal\",\"message\":\"internal error; see the daemon log\"}}");
        }
    }

    static void error(HttpServerResponse res, int status, String code, String message) {
        json(res, status, ErrorReply.of(code, message));
    }

    @Override
    public void close() {
        if (server != null) {
            try {
                server.close().await();
            } catch (Exception ignored) {
                // shutting down
            }
        }
        if (cliWorkers != null) cliWorkers.close();
    }
}
