package dev.meshwire.peer.coordinator;

import static dev.meshwire.peer.TestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.signaling.crypto.Identity;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The health probe only cuts a backoff short when the coordinator comes back after being seen down;
 * a coordinator that is healthy but refuses the WebSocket gets the plain (long) backoff, never a
 * tight retry loop driven by its 200s.
 */
class HealthProbeTest {

    @Test
    void aHealthyCoordinatorThatRefusesTheSocketIsNotHammered() throws Exception {
        Vertx vertx = Vertx.vertx();
        AtomicInteger ws = new AtomicInteger();
        CountDownLatch thirdAttempt = new CountDownLatch(1);
        AtomicInteger health = new AtomicInteger();
        HttpServer server = vertx.createHttpServer().requestHandler(req -> {
            if (req.path().equals("/health")) {
                health.incrementAndGet();
                req.response().setStatusCode(200).end("{\"status\":\"up\"}");
            } else {
                if (ws.incrementAndGet() >= 3) thirdAttempt.countDown();
                req.response().setStatusCode(503).end(); // upgrade rejected by a live server
            }
        });
        int port = server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS).actualPort();
        LinkSettings s = new LinkSettings(Duration.ofSeconds(30), Duration.ofSeconds(75), List.of(Duration.ofMinutes(10)),
                Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofMillis(100));
        CoordinatorLink link = new CoordinatorLink(vertx, "ws://127.0.0.1:" + port, "m_test", Identity.generate(), null, "x", s,
                (l, d) -> { });
        try {
            link.start();
            await("first attempt and a probe", 30_000, () -> ws.get() >= 1 && health.get() >= 1);
            // A loop would make an attempt every ~100 ms: a third attempt within 2 s means the probe keeps
            // short-cutting the backoff. The latch returns at once if that happens; the 2 s only bounds how
            // long "nothing happens" is observed (a loaded machine makes fewer attempts, never more).
            boolean looped = thirdAttempt.await(2, TimeUnit.SECONDS);
            assertEquals(0, link.probeRecoveries(), "no shortcut for a coordinator that never went down");
            // 10-minute ladder with full jitter: a second attempt within ~2 s is a 1-in-300 draw at most
            assertTrue(!looped && ws.get() <= 2, "socket attempts: " + ws.get());
            assertTrue(health.get() <= 2, "probing stops once the coordinator is known healthy: " + health.get());
        } finally {
            link.close();
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }
}
