package dev.meshwire.coordinator.admission;

import static dev.meshwire.coordinator.Conditions.await;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.coordinator.http.NettyChannels;
import io.netty.channel.Channel;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The guard stops a real listener from accepting above its mark and resumes it below the lower one. */
class DescriptorGuardTest {
    @Test
    void acceptingStopsNearTheLimitAndResumesBelowTheLowerMark() throws Exception {
        Vertx vertx = Vertx.vertx();
        AtomicLong open = new AtomicLong(100);
        AtomicInteger pauses = new AtomicInteger();
        AtomicReference<Channel> server = new AtomicReference<>();
        DescriptorGuard guard = new DescriptorGuard(1000, open::get, pauses::incrementAndGet);
        try {
            HttpServer http = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0).setHttp2ClearTextEnabled(false))
                    .connectionHandler(conn -> {
                        Channel child = NettyChannels.of(conn);
                        server.set(child.parent());
                        guard.watch(child);
                    })
                    .requestHandler(req -> req.response().end("ok"));
            http.listen().await(10, TimeUnit.SECONDS);
            guard.start();
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            URI uri = URI.create("http://127.0.0.1:" + http.actualPort() + "/");
            assertEquals("ok", client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body());

            open.set(700); // 70 % of 1000
            await("the listener paused once", () -> pauses.get() == 1 && !server.get().config().isAutoRead());
            // a new connection waits in the kernel's backlog, unanswered, while paused
            HttpClient fresh = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            CompletableFuture<HttpResponse<String>> waiting = fresh.sendAsync(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            open.set(600); // between the marks: still paused
            assertTrue(!server.get().config().isAutoRead());
            open.set(500); // below 55 %
            await("the listener resumed", () -> server.get().config().isAutoRead());
            assertEquals("ok", waiting.get(30, TimeUnit.SECONDS).body());
            assertEquals(1, pauses.get());
        } finally {
            guard.stop();
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void samplesOftenNearTheMarkAndRarelyFarFromIt() {
        assertEquals(DescriptorGuard.SAMPLE_MS, DescriptorGuard.nextDelayMs(1024, 700), "at the mark");
        assertTrue(DescriptorGuard.nextDelayMs(1024, 100) <= 20, "1,024 descriptors: a flood needs ~12 ms to reach the mark");
        assertEquals(DescriptorGuard.MAX_SAMPLE_MS, DescriptorGuard.nextDelayMs(1_048_576, 20_000), "far below a high limit");
    }
}
