package dev.meshwire.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.coordinator.metrics.MetricsSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code /metrics} on a listener of its own ({@code --metrics-listen}) and behind a bearer token ({@code --metrics-token-file}). */
class MetricsAccessTest {
    static final String TOKEN = "metrics-token-0123456789";
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private HttpResponse<String> get(int port, String path, String bearer) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).GET();
        if (bearer != null) b.header("Authorization", "Bearer " + bearer);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertScrape(HttpResponse<String> r) {
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"), r.headers().toString());
        assertTrue(r.body().contains("meshwire_connections "), r.body());
    }

    private static void assertUnauthorized(HttpResponse<String> r) {
        assertEquals(401, r.statusCode(), r.body());
        assertTrue(r.body().contains("\"code\":\"unauthorized\""), r.body());
        assertTrue(r.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"), r.headers().toString());
        assertTrue(!r.body().contains("meshwire_"), "no metric leaks into a refusal: " + r.body());
    }

    @Test
    void aSeparateListenerWithATokenIsTheOnlyPlaceMetricsAreServed() throws Exception {
        try (CoordinatorFixture fx = new CoordinatorFixture(c -> c
                .withAdmission(c.admission().withHealthListener("127.0.0.1", 0, 4))
                .withMetrics(MetricsSettings.defaults().withListener("127.0.0.1", 0).withToken(TOKEN)))) {
            int metricsPort = fx.coordinator.metricsPort();
            assertTrue(metricsPort > 0 && metricsPort != fx.port() && metricsPort != fx.coordinator.healthPort());

            assertScrape(get(metricsPort, "/metrics", TOKEN));
            assertUnauthorized(get(metricsPort, "/metrics", null));
            assertUnauthorized(get(metricsPort, "/metrics", TOKEN + "x"));
            assertEquals(404, get(metricsPort, "/health", null).statusCode(), "the metrics listener serves /metrics alone");

            // Neither the main port nor the health listener answers /metrics any more; both still answer health.
            assertEquals(404, get(fx.port(), "/metrics", TOKEN).statusCode());
            assertEquals(404, get(fx.coordinator.healthPort(), "/metrics", TOKEN).statusCode());
            assertEquals(200, get(fx.port(), "/health/ready", null).statusCode());
            assertEquals(200, get(fx.coordinator.healthPort(), "/health/ready", null).statusCode());

            // Its connections are counted apart from the health listener's.
            assertTrue(get(metricsPort, "/metrics", TOKEN).body().contains("meshwire_connections_unauthenticated{listener=\"metrics\"}"));
        }
    }

    @Test
    void aTokenAloneProtectsMetricsOnTheMainPort() throws Exception {
        try (CoordinatorFixture fx = new CoordinatorFixture(c -> c.withMetrics(MetricsSettings.defaults().withToken(TOKEN)))) {
            assertEquals(-1, fx.coordinator.metricsPort());
            assertUnauthorized(get(fx.port(), "/metrics", null));
            assertUnauthorized(get(fx.port(), "/metrics", "wrong"));
            assertScrape(get(fx.port(), "/metrics", TOKEN));
            assertEquals(200, get(fx.port(), "/health", null).statusCode(), "health stays open");
        }
    }

    @Test
    void withoutSettingsMetricsStayOpenOnTheMainPort() throws Exception {
        try (CoordinatorFixture fx = new CoordinatorFixture()) {
            assertScrape(get(fx.port(), "/metrics", null));
        }
    }
}
