package dev.meshwire.coordinator.http;

import dev.meshwire.coordinator.authority.ApiException;
import dev.meshwire.coordinator.authority.CreateMeshRequest;
import dev.meshwire.coordinator.authority.MeshRegistration;
import dev.meshwire.coordinator.meshstate.MeshLedger;
import dev.meshwire.coordinator.metrics.CoordinatorMetrics;
import dev.meshwire.coordinator.metrics.MetricsEndpoint;
import dev.meshwire.coordinator.metrics.MetricsSettings;
import dev.meshwire.coordinator.session.WebSocketEndpoint;
import dev.meshwire.coordinator.store.CoordinatorStore;
import dev.meshwire.signaling.meshstate.StateRef;
import dev.meshwire.signaling.Json;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP surface on the WebSocket port: {@code /ws} upgrade, {@code POST /v1/meshes},
 * {@code POST /v1/meshes/<id>/rotate-authority} (admin token), {@code /health}, {@code /health/ready} and {@code /metrics}. Errors are always
 * {@code {"error":{"code":..,"message":..}}}.
 */
public final class HttpApi {
    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
    private static final int MAX_BODY = 64 * 1024;

    /** {@code publicUrl} is a supplier because it may depend on the port bound after the router is built. */
    public record Settings(String adminToken, boolean openRegistration, java.util.function.Supplier<String> publicUrl,
                           MetricsSettings metrics) {}

    private HttpApi() {}

    public static Router router(Vertx vertx, Settings settings, WebSocketEndpoint endpoint, MeshRegistration registration,
                                MeshLedger ledger, CoordinatorStore store, CoordinatorMetrics metrics) {
        Router router = Router.router(vertx);
        router.route(WebSocketEndpoint.PATH).handler(ctx -> ctx.request().toWebSocket()
                .onSuccess(ws -> endpoint.accept(ws, ctx.request().connection()))
                .onFailure(e -> {
                    if (!ctx.response().ended()) {
                        error(ctx, new ApiException(400, ApiException.INVALID_REQUEST, "this path only accepts WebSocket upgrades"));
                    }
                }));
        router.post("/v1/meshes").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY)).handler(ctx -> createMesh(ctx, settings, registration));
        router.post("/v1/meshes/:mesh/rotate-authority").handler(ctx -> rotate(ctx, settings, ledger));
        operations(router, store, metrics, settings.metrics());
        router.route().last().handler(ctx -> error(ctx, new ApiException(404, ApiException.NOT_FOUND, "no such endpoint")));
        router.route().failureHandler(ctx -> {
            int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
            if (status == 413) {
                error(ctx, new ApiException(413, ApiException.INVALID_REQUEST, "request body is larger than " + MAX_BODY + " bytes"));
            } else if (status >= 500) {
                LOG.warn("HTTP {} {} failed: {}", ctx.request().method(), ctx.request().path(), String.valueOf(ctx.failure()));
                error(ctx, new ApiException(500, ApiException.INTERNAL, "internal error; the coordinator logged it"));
            } else {
                error(ctx, new ApiException(status, ApiException.INVALID_REQUEST, "request refused"));
            }
        });
        return router;
    }

    /**
     * The separate health listener's surface: {@code /health}, {@code /health/ready}, and {@code /metrics} unless
     * that has a listener of its own.
     */
    public static Router healthRouter(Vertx vertx, CoordinatorStore store, CoordinatorMetrics metrics, MetricsSettings ms) {
        Router router = Router.router(vertx);
        operations(router, store, metrics, ms);
        router.route().last().handler(ctx -> error(ctx, new ApiException(404, ApiException.NOT_FOUND,
                "the health listener serves /health, /health/ready" + (ms.separateListener() ? "" : " and /metrics"))));
        return router;
    }

    /** The metrics listener's surface ({@code --metrics-listen}): {@code /metrics} alone. */
    public static Router metricsRouter(Vertx vertx, CoordinatorMetrics metrics, MetricsSettings ms) {
        Router router = Router.router(vertx);
        router.get("/metrics").handler(MetricsEndpoint.handler(metrics::scrape, ms.token()));
        router.route().last().handler(ctx -> error(ctx, new ApiException(404, ApiException.NOT_FOUND, "the metrics listener serves /metrics")));
        return router;
    }

    /**
     * {@code /health} (the process answers), {@code /health/ready} (the store answers a query, so it is open and its
     * migrations ran; the listener is bound, since it is what answers) and, when it has no listener of its own,
     * {@code /metrics}.
     */
    private static void operations(Router router, CoordinatorStore store, CoordinatorMetrics metrics, MetricsSettings ms) {
        // RFC 9110 §6.6.1: an origin server with a clock sends Date; 'meshwire doctor' measures clock skew with it
        router.get("/health*").handler(ctx -> {
            ctx.response().putHeader("Date", java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
                    java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC)));
            ctx.next();
        });
        router.get("/health").handler(ctx -> json(ctx, 200, Map.of("status", "up")));
        router.get("/health/ready").handler(ctx -> store.schemaVersion()
                .onSuccess(v -> json(ctx, 200, Map.of("status", "ready", "schemaVersion", v)))
                .onFailure(e -> {
                    LOG.warn("readiness check failed: {}", String.valueOf(e));
                    json(ctx, 503, Map.of("status", "unavailable", "reason", "the database does not answer; the coordinator logged why"));
                }));
        if (!ms.separateListener()) router.get("/metrics").handler(MetricsEndpoint.handler(metrics::scrape, ms.token()));
    }

    private static void createMesh(RoutingContext ctx, Settings settings, MeshRegistration registration) {
        if (!settings.openRegistration() && !authorized(ctx.request().getHeader("Authorization"), settings.adminToken())) {
            error(ctx, new ApiException(401, ApiException.UNAUTHORIZED,
                    "creating a mesh needs 'Authorization: Bearer <admin token>' (see the admin-token file in the coordinator's data directory)"));
            return;
        }
        CreateMeshRequest req;
        try {
            req = Json.MAPPER.readValue(ctx.body().asString(), CreateMeshRequest.class);
            if (req == null) throw new IllegalArgumentException("empty body");
        } catch (Exception e) {
            error(ctx, new ApiException(400, ApiException.INVALID_REQUEST,
                    "body must be JSON {name, ownerPubkey, ownerName, createdAt, signature}"));
            return;
        }
        registration.create(req).onComplete(ar -> {
            if (ar.succeeded()) {
                var mesh = ar.result().mesh();
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("mesh", mesh.id());
                out.put("name", mesh.name());
                out.put("ownerPubkey", mesh.ownerPubkey());
                out.put("coordinator", settings.publicUrl().get());
                out.put("authority", ar.result().authority());
                out.put("state", ar.result().state());
                LOG.info("mesh {} ({}) created by {}…", mesh.name(), mesh.id(), mesh.ownerPubkey().substring(0, 8));
                json(ctx, 201, out);
            } else if (ar.cause() instanceof ApiException e) {
                error(ctx, e);
            } else {
                LOG.warn("mesh creation failed: {}", ar.cause().toString());
                error(ctx, new ApiException(500, ApiException.INTERNAL, "internal error; the coordinator logged it"));
            }
        });
    }

    /** Admin only: a new authority key signs the mesh's events from now on (announced by a signed authority_rotated event). */
    private static void rotate(RoutingContext ctx, Settings settings, MeshLedger ledger) {
        if (!authorized(ctx.request().getHeader("Authorization"), settings.adminToken())) {
            error(ctx, new ApiException(401, ApiException.UNAUTHORIZED, "rotating a mesh authority needs 'Authorization: Bearer <admin token>'"));
            return;
        }
        String meshId = ctx.pathParam("mesh");
        ledger.store().findMesh(meshId).compose(mesh -> {
            if (mesh.isEmpty()) return io.vertx.core.Future.failedFuture(new ApiException(404, ApiException.NOT_FOUND, "no mesh " + meshId));
            return ledger.rotate(meshId);
        }).onComplete(ar -> {
            if (ar.succeeded()) {
                var rotated = (dev.meshwire.signaling.meshstate.EventPayload.AuthorityRotated) ar.result().event().payload();
                StateRef state = ar.result().event().ref();
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("authority", rotated.next());
                out.put("state", state);
                json(ctx, 200, out);
            } else if (ar.cause() instanceof ApiException e) {
                error(ctx, e);
            } else {
                LOG.warn("authority rotation of {} failed: {}", meshId, ar.cause().toString());
                error(ctx, new ApiException(500, ApiException.INTERNAL, "internal error; the coordinator logged it"));
            }
        });
    }

    /** Constant-time comparison, so the token cannot be guessed byte by byte from response timing. */
    static boolean authorized(String header, String token) {
        if (header == null || !header.startsWith("Bearer ")) return false;
        byte[] given = header.substring("Bearer ".length()).trim().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, token.getBytes(StandardCharsets.UTF_8));
    }

    private static void error(RoutingContext ctx, ApiException e) {
        json(ctx, e.status(), Map.of("error", Map.of("code", e.code(), "message", e.getMessage())));
    }

    private static void json(RoutingContext ctx, int status, Object body) {
        if (ctx.response().ended()) return;
        try {
            ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                    .end(Json.MAPPER.writeValueAsString(body));
        } catch (Exception e) {
            ctx.response().setStatusCode(500).end();
        }
    }
}
