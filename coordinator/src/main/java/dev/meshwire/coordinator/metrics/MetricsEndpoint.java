package dev.meshwire.coordinator.metrics;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Supplier;

/**
 * {@code GET /metrics} in the Prometheus text exposition format: the one handler behind the coordinator's
 * {@code /metrics} (main and health listeners) and the standalone TURN server's {@code --metrics-listen}.
 */
public final class MetricsEndpoint {
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private MetricsEndpoint() {}

    /** Answers with {@code scrape}'s text (e.g. {@code PrometheusMeterRegistry::scrape}). */
    public static Handler<RoutingContext> handler(Supplier<String> scrape) {
        return ctx -> ctx.response().putHeader("Content-Type", CONTENT_TYPE).end(scrape.get());
    }
}
