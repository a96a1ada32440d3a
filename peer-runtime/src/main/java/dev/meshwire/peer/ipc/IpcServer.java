package dev.meshwire.peer.ipc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.events.DaemonEvent;
import dev.meshwire.peer.events.EventBus;
import dev.meshwire.signaling.Json;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's local HTTP API on 127.0.0.1 (random port). Every request needs
 * {@code Authorization: Bearer <token>} (401 otherwise); a token in the query string is refused with
 * 400 (it would leak into logs and shell history); non-loopback Host headers (DNS rebinding) and any
 * Origin (browsers) get 403. Handlers run on worker threads because they block on JDBC and on
 * coordinator answers.
 */
public final class IpcServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IpcServer.class);
    static final int MAX_BODY = 1024 * 1024;
    /** Room for JSON escaping around the largest message text, plus the other fields. */
    static final int SEND_BODY_HEADROOM = 64 * 1024;
    static final int MAX_STREAMS = 32;

    private final Vertx vertx;
    private final byte[] token;
    private final DaemonApi api;
    private final EventBus events;
    private final AtomicInteger streams = new AtomicInteger();
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

    public IpcServer(Vertx vertx, String token, DaemonApi api, EventBus events, int sendBodyLimit) {
        this.sendBodyLimit = Math.max(MAX_BODY, sendBodyLimit);
        this.vertx = vertx;
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.api = api;
        this.events = events;
    }

    /** Binds 127.0.0.1 on a free port and returns it. */
    public int start() {
        Router r = Router.router(vertx);
        r.route().handler(this::guard);
        // The send route reads its larger body first; the generic handler then sees it was read and passes.
        r.post("/v1/send").handler(BodyHandler.create().setBodyLimit(sendBodyLimit)).failureHandler(IpcServer::tooLarge);
        r.route().handler(BodyHandler.create().setBodyLimit(MAX_BODY)).failureHandler(IpcServer::tooLarge);
        r.get("/v1/health").handler(ctx -> blocking(ctx, api.control()::health));
        r.get("/v1/status").handler(ctx -> blocking(ctx, api.control()::status));
        r.post("/v1/meshes").handler(ctx -> blocking(ctx, () -> {
            JsonNode b = body(ctx);
            return api.membership().createMesh(text(b, "name"), text(b, "coordinator"), text(b, "displayName"), text(b, "adminToken"));
        }));
        r.post("/v1/join").handler(ctx -> blocking(ctx, () -> {
            JsonNode b = body(ctx);
            return api.membership().join(text(b, "invite"), text(b, "displayName"));
        }));
        r.post("/v1/invite").handler(ctx -> blocking(ctx, () -> {
            JsonNode b = body(ctx);
            return api.membership().invite(text(b, "mesh"), b.path("uses").asInt(1), b.path("expiresInMs").asLong(24L * 3600 * 1000));
        }));
        r.post("/v1/ping").handler(ctx -> blocking(ctx, () -> {
            JsonNode b = body(ctx);
            return api.membership().ping(text(b, "mesh"), text(b, "peer"), b.path("count").asInt(10));
        }));
        r.get("/v1/peers").handler(ctx -> blocking(ctx, () -> api.membership().peers(ctx.request().getParam("mesh"))));
        r.post("/v1/send").handler(ctx -> blocking(ctx, () -> {
            JsonNode b = body(ctx);
            String cmid = text(b, "clientMessageId");
            String header = ctx.request().getHeader("Idempotency-Key");
            if (header != null && !header.isBlank()) {
                if (cmid != null && !cmid.equals(header)) {
                    throw new PeerException(PeerException.BAD_REQUEST, "Idempotency-Key header and clientMessageId differ");
                }
                cmid = header;
            }
            JsonNode meta = b.get("meta");
            return api.outbox().send(text(b, "mesh"), text(b, "to"), text(b, "message"), text(b, "priority"), cmid,
                    text(b, "replyToId"), meta == null || meta.isNull() ? null : meta);
        }));
        r.get("/v1/messages/:id").handler(ctx -> blocking(ctx, () -> api.outbox().message(ctx.pathParam("id"))));
        r.get("/v1/outbox").handler(ctx -> blocking(ctx, () -> {
            String st = ctx.request().getParam("state");
            List<String> states = st == null || st.isBlank() ? List.of() : List.of(st.split(","));
            return api.outbox().outbox(states, intParam(ctx, "limit", 50));
        }));
        r.post("/v1/outbox/requeue").handler(ctx -> blocking(ctx, () -> {
            JsonNode b = body(ctx);
            return api.outbox().requeue(text(b, "clientMessageId"), text(b, "newClientMessageId"));
        }));
        r.get("/v1/inbox").handler(ctx -> blocking(ctx, () -> api.inbox().inbox(ctx.request().getParam("mesh"), intParam(ctx, "limit", 50),
                boolParam(ctx, "unread"), boolParam(ctx, "peek"))));
        r.post("/v1/inbox/flush").handler(ctx -> blocking(ctx, () -> {
            JsonNode b = body(ctx);
            return api.inbox().inboxFlush(text(b, "mesh"), b.path("all").asBoolean(false));
        }));
        r.delete("/v1/inbox/:id").handler(ctx -> blocking(ctx, () -> {
            long id;
            try {
                id = Long.parseLong(ctx.pathParam("id"));
            } catch (NumberFormatException e) {
                throw new PeerException(PeerException.BAD_REQUEST, "inbox id must be a number");
            }
            return api.inbox().inboxDelete(id);
        }));
        for (String op : List.of("kick", "ban", "unban")) {
            r.post("/v1/" + op).handler(ctx -> blocking(ctx, () -> {
                JsonNode b = body(ctx);
                return api.moderation().moderate(op, text(b, "mesh"), text(b, "peer"));
            }));
        }
        r.get("/v1/members").handler(ctx -> blocking(ctx, () ->
                api.meshState().members(new MeshStateApi.MembersRequest(ctx.request().getParam("mesh")))));
        r.get("/v1/mesh/log").handler(ctx -> blocking(ctx, () ->
                api.meshState().log(new MeshStateApi.MeshLogRequest(ctx.request().getParam("mesh")))));
        r.post("/v1/revoke").handler(ctx -> blocking(ctx, () -> {
            JsonNode b = body(ctx);
            return api.meshState().revoke(new MeshStateApi.RevokeRequest(text(b, "mesh"), text(b, "peer"), text(b, "reason")));
        }));
        r.post("/v1/role").handler(ctx -> blocking(ctx, () -> {
            JsonNode b = body(ctx);
            return api.meshState().setRole(new MeshStateApi.RoleRequest(text(b, "mesh"), text(b, "peer"), text(b, "role")));
        }));
        r.post("/v1/expire").handler(ctx -> blocking(ctx, () -> {
            JsonNode b = body(ctx);
            JsonNode at = b.get("expiresAt");
            if (at != null && !at.isNull() && !at.canConvertToLong()) {
                throw new PeerException(PeerException.BAD_REQUEST, "expiresAt must be epoch milliseconds");
            }
            return api.meshState().setExpiry(new MeshStateApi.ExpireRequest(text(b, "mesh"), text(b, "peer"),
                    at == null || at.isNull() ? null : at.asLong(), b.path("never").asBoolean(false)));
        }));
        r.post("/v1/rename").handler(ctx -> blocking(ctx, () -> {
            JsonNode b = body(ctx);
            return api.meshState().rename(new MeshStateApi.RenameRequest(text(b, "mesh"), text(b, "name")));
        }));
        r.post("/v1/reconnect").handler(ctx -> blocking(ctx, () -> api.membership().reconnect(text(body(ctx), "mesh"))));
        r.get("/v1/bans").handler(ctx -> blocking(ctx, () -> api.moderation().bans(ctx.request().getParam("mesh"))));
        r.post("/v1/shutdown").handler(ctx -> {
            ctx.response().putHeader("content-type", "application/json")
                    .end("{\"ok\":true}").onComplete(x -> api.control().shutdown());
        });
        r.get("/v1/events").handler(this::events);
        r.route().last().handler(ctx -> error(ctx.response(), 404, "not_found", "no such endpoint: "
                + ctx.request().method() + " " + ctx.request().path()));
        server = vertx.createHttpServer().requestHandler(r).listen(0, "127.0.0.1").await();
        return server.actualPort();
    }

    private static int intParam(RoutingContext ctx, String name, int dflt) {
        String v = ctx.request().getParam(name);
        if (v == null) return dflt;
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new PeerException(PeerException.BAD_REQUEST, name + " must be a number");
        }
    }

    private static boolean boolParam(RoutingContext ctx, String name) {
        String v = ctx.request().getParam(name);
        return v != null && (v.isEmpty() || v.equals("true") || v.equals("1"));
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
        vertx.executeBlocking(work, false).onComplete(ar -> {
            HttpServerResponse res = ctx.response();
            if (res.ended()) return;
            if (ar.succeeded()) {
                if (ar.result() instanceof IpcReply reply) json(res, reply.status(), reply.body());
                else json(res, 200, ar.result());
            } else if (ar.cause() instanceof PeerException pe) {
                Map<String, Object> err = new LinkedHashMap<>();
                err.put("code", pe.code());
                err.put("message", pe.getMessage());
                if (!pe.candidates().isEmpty()) err.put("candidates", pe.candidates());
                err.putAll(pe.details());
                json(res, pe.httpStatus(), Map.of("error", err));
            } else {
                log.error("IPC {} {} failed", ctx.request().method(), ctx.request().path(), ar.cause());
                error(res, 500, "internal", "internal error: " + ar.cause());
            }
        });
    }

    private void events(RoutingContext ctx) {
        HttpServerResponse res = ctx.response();
        if (streams.incrementAndGet() > MAX_STREAMS) {
            streams.decrementAndGet();
            error(res, 429, "too_many_streams", "at most " + MAX_STREAMS + " event streams");
            return;
        }
        res.setChunked(true).putHeader("content-type", "text/event-stream").putHeader("cache-control", "no-cache");
        res.write(": connected\n\n");
        var ctxVertx = vertx.getOrCreateContext();
        AutoCloseable sub = events.subscribe(ev -> ctxVertx.runOnContext(v -> {
            if (!res.ended() && !res.closed()) {
                try {
                    res.write("event: " + ev.type() + "\ndata: " + Json.MAPPER.writeValueAsString(ev.data()) + "\n\n");
                } catch (JsonProcessingException e) {
                    log.warn("cannot encode event {}", ev.type());
                }
            }
        }));
        // A comment every 15 s keeps proxies and idle timeouts from closing the stream.
        long keepAlive = vertx.setPeriodic(15_000, id -> {
            if (!res.ended() && !res.closed()) res.write(": keep-alive\n\n");
        });
        res.closeHandler(v -> {
            vertx.cancelTimer(keepAlive);
            streams.decrementAndGet();
            try {
                sub.close();
            } catch (Exception ignored) {
                // removing from a list cannot fail
            }
        });
    }

    private static JsonNode body(RoutingContext ctx) {
        String s = ctx.body() == null ? null : ctx.body().asString();
        if (s == null || s.isBlank()) return Json.MAPPER.createObjectNode();
        try {
            JsonNode n = Json.MAPPER.readTree(s);
            if (n == null || !n.isObject()) throw new PeerException(PeerException.BAD_REQUEST, "request body must be a JSON object");
            return n;
        } catch (JsonProcessingException e) {
            throw new PeerException(PeerException.BAD_REQUEST, "request body is not valid JSON");
        }
    }

    private static String text(JsonNode b, String field) {
        JsonNode n = b.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }

    private static void json(HttpServerResponse res, int status, Object body) {
        try {
            res.setStatusCode(status).putHeader("content-type", "application/json")
                    .end(Json.MAPPER.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            res.setStatusCode(500).end();
        }
    }

    /** BodyHandler fails the request with 413 when the body exceeds its limit: answer in our error format. */
    private static void tooLarge(RoutingContext ctx) {
        if (ctx.statusCode() != 413 || ctx.response().ended()) {
            ctx.next();
            return;
        }
        error(ctx.response(), 413, "request_too_large", "the request body is larger than this endpoint accepts");
    }

    static void error(HttpServerResponse res, int status, String code, String message) {
        json(res, status, Map.of("error", Map.of("code", code, "message", message)));
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
    }
}
