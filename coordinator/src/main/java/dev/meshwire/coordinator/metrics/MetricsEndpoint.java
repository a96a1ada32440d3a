package dev.meshwire.coordinator.metrics;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.function.Supplier;

/**
 * {@code GET /metrics} in the Prometheus text exposition format: the one handler behind the coordinator's
 * {@code /metrics} (main, health or metrics listener) and the standalone TURN server's {@code --metrics-listen}.
 */
public final class MetricsEndpoint {
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final String UNAUTHORIZED = "{\"error\":{\"code\":\"unauthorized\",\"message\":"
            + "\"/metrics needs 'Authorization: Bearer <metrics token>' (the file given with --metrics-token-file)\"}}";

    private MetricsEndpoint() {}

    /** Answers with {@code scrape}'s text (e.g. {@code PrometheusMeterRegistry::scrape}) to anyone. */
    public static Handler<RoutingContext> handler(Supplier<String> scrape) {
        return handler(scrape, null);
    }

    /**
     * Answers with {@code scrape}'s text; when {@code token} is not null, only to requests carrying
     * {@code Authorization: Bearer <token>} (compared in constant time), and 401 with a JSON error to others.
     */
    public static Handler<RoutingContext> handler(Supplier<String> scrape, String token) {
        byte[] expected = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
        return ctx -> {
            if (expected != null && !bearerMatches(ctx.request().getHeader("Authorization"), expected)) {
                ctx.response().setStatusCode(401).putHeader("WWW-Authenticate", "Bearer realm=\"metrics\"")
                        .putHeader("Content-Type", "application/json").end(UNAUTHORIZED);
                return;
            }
            ctx.response().putHeader("Content-Type", CONTENT_TYPE).end(scrape.get());
        };
    }

    private static boolean bearerMatches(String header, byte[] expected) {
        if (header == null || !header.startsWith("Bearer ")) return false;
        byte[] given = header.substring("Bearer ".length()).trim().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, expected);
    }
}
