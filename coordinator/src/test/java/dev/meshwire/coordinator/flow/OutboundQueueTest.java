package dev.meshwire.coordinator.flow;

import static org.junit.jupiter.api.Assertions.*;

import dev.meshwire.coordinator.metrics.CoordinatorMetrics;
import dev.meshwire.coordinator.RawWebSocket;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link OutboundQueue} on a real WebSocket whose client does not read (TCP backpressure fills the kernel
 * buffers, then the server side queues). Every step on the server runs on the socket's context.
 */
class OutboundQueueTest {
    static final long WAIT_S = 30;
    static final String CHUNK = "x".repeat(16 * 1024);

    Vertx vertx;
    HttpServer server;
    RawWebSocket clientWs;
    ServerWebSocket serverWs;
    Context serverContext;
    final CoordinatorMetrics metrics = new CoordinatorMetrics(Set.of("deliver", "p2p_candidate"));

    @BeforeEach
    void connect() throws Exception {
        vertx = Vertx.vertx();
        CompletableFuture<ServerWebSocket> accepted = new CompletableFuture<>();
        server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0)).webSocketHandler(ws -> {
            serverContext = Vertx.currentContext();
            accepted.complete(ws);
        });
        server.listen().await(WAIT_S, TimeUnit.SECONDS);
        clientWs = RawWebSocket.connect("127.0.0.1", server.actualPort(), "/", 16 * 1024); // and then reads nothing
        serverWs = accepted.get(WAIT_S, TimeUnit.SECONDS);
    }

    @AfterEach
    void close() throws Exception {
        clientWs.close();
        vertx.close().await(WAIT_S, TimeUnit.SECONDS);
    }

    private <T> T onServer(Callable<T> step) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        serverContext.runOnContext(v -> {
            try {
                f.complete(step.call());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        });
        return f.get(WAIT_S, TimeUnit.SECONDS);
    }

    private static FlowLimits limits(long mark, long cap, Duration grace) {
        return FlowLimits.defaults().withHighWater(mark, 1000).withHardCap(cap, 100_000).withGrace(grace);
    }

    /** Writes required frames until the queue is above its mark; returns how many were written. */
    private static int fillPastMark(OutboundQueue q) {
        int n = 0;
        // The kernel's socket buffers take a few MiB first; 100,000 chunks (1.6 GB) would mean no backpressure at all.
        while (q.room() > 0) {
            assertTrue(q.write("deliver", CHUNK, false), "a required frame below the mark is written");
            if (++n > 100_000) fail("the queue never went above its mark: the stalled reader took " + n + " frames");
        }
        return n;
    }

    @Test
    void aboveTheMarkLossyFramesAreDroppedTheHardCapReportsASlowConsumerOnceAndWrittenFramesStillArrive() throws Exception {
        CompletableFuture<String> slow = new CompletableFuture<>();
        int[] reports = {0};
        OutboundQueue q = onServer(() -> new OutboundQueue(serverWs, vertx, limits(256 * 1024, 1024 * 1024, Duration.ofMinutes(5)), metrics,
                why -> {
                    reports[0]++;
                    slow.complete(why);
                }));
        int written = onServer(() -> fillPastMark(q));
        int dropped = onServer(() -> {
            int d = 0;
            for (int i = 0; i < 10; i++) if (!q.write("p2p_candidate", "{\"type\":\"p2p_candidate\"}", true)) d++;
            return d;
        });
        assertEquals(10, dropped, "signalling is dropped above the mark");
        assertEquals(10, metrics.count("meshwire_outbound_dropped", "type", "p2p_candidate"));

        // Required frames are still written, up to the hard cap; the one that would pass it makes this a slow consumer.
        int more = onServer(() -> {
            int m = 0;
            while (q.write("deliver", CHUNK, false)) {
                m++;
                assertTrue(q.queuedBytes() <= 1024 * 1024, "never more than the hard cap queued: " + q.queuedBytes());
            }
            return m;
        });
        assertTrue(slow.get(WAIT_S, TimeUnit.SECONDS).contains("hard cap"), slow.get());
        assertFalse(onServer(() -> q.write("deliver", "late", false)), "a slow consumer takes no more frames");
        assertEquals(1, onServer(() -> reports[0]), "reported once");
        assertEquals(1, metrics.count("meshwire_slow_consumer_closes"));

        // The reader resumes: every frame written (and no dropped one) arrives, and nothing stays counted.
        int expected = written + more;
        for (int i = 0; i < expected; i++) {
            RawWebSocket.Frame m = clientWs.read();
            assertEquals(1, m.opcode(), "frame " + i + " of " + expected + " is a text frame");
            assertEquals(CHUNK, m.text(), "only the required frames arrive, whole");
        }
        assertEquals(0L, onServer(q::queuedBytes));
        assertTrue(metrics.scrape().contains("meshwire_outbound_queued_bytes 0.0"), "the total gauge is back to 0");
    }

    @Test
    void aConnectionAboveTheMarkForTheGraceIsASlowConsumerAndTheRoomWaiterNeverRuns() throws Exception {
        CompletableFuture<String> slow = new CompletableFuture<>();
        CompletableFuture<Void> room = new CompletableFuture<>();
        OutboundQueue q = onServer(() -> new OutboundQueue(serverWs, vertx, limits(64 * 1024, 64L * 1024 * 1024, Duration.ofMillis(300)),
                metrics, slow::complete));
        onServer(() -> {
            fillPastMark(q);
            // Well above the mark (not just at it), so the last bytes the kernel still takes do not end the stall.
            for (int i = 0; i < 16; i++) assertTrue(q.write("deliver", CHUNK, false));
            assertEquals(0, q.room());
            q.whenRoom(() -> room.complete(null));
            return null;
        });
        String why = slow.get(WAIT_S, TimeUnit.SECONDS);
        assertTrue(why.contains("high-water mark for 300 ms"), why);
        assertFalse(room.isDone(), "no room while stalled");
        assertEquals(0L, (long) onServer(q::room), "a slow consumer offers no room");
    }

    @Test
    void theRoomWaiterRunsOnceTheReaderDrainsTheQueueAndNoSlowConsumerIsReported() throws Exception {
        CompletableFuture<String> slow = new CompletableFuture<>();
        CompletableFuture<Long> room = new CompletableFuture<>();
        OutboundQueue q = onServer(() -> new OutboundQueue(serverWs, vertx, limits(64 * 1024, 64L * 1024 * 1024, Duration.ofMinutes(5)),
                metrics, slow::complete));
        onServer(() -> {
            fillPastMark(q);
            q.whenRoom(() -> room.complete(q.queuedBytes()));
            return null;
        });
        assertFalse(room.isDone(), "no room while the reader is stalled");
        Thread drain = new Thread(() -> {
            try {
                while (true) clientWs.read();
            } catch (java.io.IOException e) {
                // closed at the end of the test
            }
        });
        drain.setDaemon(true);
        drain.start();
        long queuedWhenWoken = room.get(WAIT_S, TimeUnit.SECONDS);
        assertTrue(queuedWhenWoken <= 32 * 1024, "woken at half the mark, with " + queuedWhenWoken + " bytes queued");
        assertTrue(onServer(q::room) > 0);
        assertFalse(slow.isDone());
    }
}
