package dev.meshwire.peer.coordinator;

import static dev.meshwire.peer.TestSupport.await;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.frame.CloseCodes;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A 4008 "slow consumer" close is not terminal: the daemon's link reconnects (with backoff). */
class SlowConsumerCloseTest {

    @Test
    void aSlowConsumerCloseIsFollowedByAReconnect() throws Exception {
        Vertx vertx = Vertx.vertx();
        AtomicInteger sockets = new AtomicInteger();
        HttpServer server = vertx.createHttpServer().webSocketHandler(ws -> {
            if (sockets.incrementAndGet() == 1) ws.close(CloseCodes.SLOW_CONSUMER, "slow consumer: test");
        });
        int port = server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS).actualPort();
        LinkSettings s = new LinkSettings(Duration.ofSeconds(30), Duration.ofSeconds(75), List.of(Duration.ofMillis(200)),
                Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ZERO);
        CoordinatorLink link = new CoordinatorLink(vertx, "ws://127.0.0.1:" + port, "m_test", Identity.generate(), null, "x", s, (l, d) -> { });
        try {
            link.start();
            await("a second connection after the 4008 close", 30_000, () -> sockets.get() >= 2);
            assertFalse(CloseCodes.isTerminal(CloseCodes.SLOW_CONSUMER));
            assertFalse(link.state().terminal(), "link state " + link.state());
        } finally {
            link.close();
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }
}
