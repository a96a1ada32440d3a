package dev.meshwire.peer.ipc;

import dev.meshwire.peer.ipc.api.PeerRef;
import dev.meshwire.peer.ipc.api.InboxItem;
import static dev.meshwire.peer.TestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.peer.daemon.Daemon;
import dev.meshwire.peer.daemon.DaemonOptions;
import dev.meshwire.peer.events.DaemonEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #16, the daemon's SSE: a client that opens {@code /v1/events} and never reads must not make the daemon
 * buffer without limit. A real daemon, a raw socket that reads the response headers and then nothing more, and
 * thousands of events published: the bytes the daemon holds for that stream stay under the cap, the stream is
 * closed and counted, while a client that reads keeps getting every event and other IPC calls keep answering.
 */
class EventStreamLimitsTest {
    static final String PAYLOAD = "x".repeat(2_000);
    static final int MAX_EVENTS = 40_000;

    @TempDir
    Path tmp;
    Daemon daemon;

    @AfterEach
    void stop() {
        if (daemon != null) daemon.close();
    }

    /** Opens {@code /v1/events}, reads until the stream's first comment, then never reads again. */
    Socket stalledSubscriber() throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(4096); // before connect: keeps the kernel from absorbing much of what the daemon sends
        s.connect(new InetSocketAddress("127.0.0.1", daemon.ipcPort()), 10_000);
        s.setSoTimeout(30_000);
        OutputStream out = s.getOutputStream();
        out.write(("GET /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + daemon.token()
                + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().contains(": connected")) {
            int b = in.read();
            if (b < 0) throw new AssertionError("stream ended before it started: " + head);
            head.append((char) b);
        }
        assertTrue(head.toString().startsWith("HTTP/1.1 200"), head.toString());
        return s;
    }

    /** Reads what is left on {@code s} until the daemon's close shows (end of stream or reset). */
    static boolean closedByPeer(Socket s) throws IOException {
        byte[] buf = new byte[64 * 1024];
        try {
            InputStream in = s.getInputStream();
            while (in.read(buf) >= 0) {
                // drain what the kernel had already taken
            }
            return true;
        } catch (SocketException e) {
            return true; // connection reset: closed too
        }
    }

    JsonNode events() {
        return WireClient.of(daemon.client()).status().path("daemon").path("events");
    }

    /** A reader that counts {@code message} events on its own thread. */
    static Thread reader(WireClient c, AtomicInteger seen) {
        Thread t = new Thread(() -> {
            try {
                c.events(ev -> {
                    if (ev.event().equals(DaemonEvent.MESSAGE)) seen.incrementAndGet();
                    return true;
                });
            } catch (IpcException e) {
                // the daemon stopped at the end of the test
            }
        }, "sse-reader");
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Test
    void aSubscriberThatNeverReadsIsClosedAtTheCapWhileAReaderGetsEveryEvent() throws Exception {
        StreamLimits limits = new StreamLimits(32, 64 * 1024, Duration.ofMinutes(10), 1L << 20);
        daemon = Daemon.start(DaemonOptions.of(tmp.resolve("d")).withEventStreams(limits));
        AtomicInteger seen = new AtomicInteger();
        reader(WireClient.of(daemon.client()), seen);
        await("the reader is subscribed", 10_000, () -> events().path("open").asInt() == 1);
        try (Socket stalled = stalledSubscriber()) {
            await("the stalled stream is open", 10_000, () -> events().path("open").asInt() == 2);
            int published = 0;
            while (events().path("slowClosed").asLong() == 0 && published < MAX_EVENTS) {
                for (int i = 0; i < 200; i++) {
                    daemon.events().publish(new DaemonEvent(DaemonEvent.MESSAGE, message(published++ + PAYLOAD)));
                }
                int target = published;
                // Paced by the reader, which keeps up; the stalled client falls further behind with every batch.
                await("the reader got " + target + " events", 30_000, () -> seen.get() >= target);
                assertEquals(true, WireClient.of(daemon.client()).get("/v1/health").path("ok").asBoolean(), "other IPC calls answer");
            }
            JsonNode ev = events();
            System.out.printf("SSE: stalled subscriber closed after %d events of ~%d bytes (%.1f MB); peak held for one stream %d bytes "
                    + "(cap %d)%n", published, PAYLOAD.length(), published * (PAYLOAD.length() + 40) / 1e6, ev.path("peakQueuedBytes").asLong(),
                    limits.maxQueuedBytes());
            assertEquals(1, ev.path("slowClosed").asLong(), "the stalled stream was closed as a slow consumer: " + ev);
            assertTrue(ev.path("peakQueuedBytes").asLong() <= limits.maxQueuedBytes(), "bounded: " + ev);
            await("only the reader's stream is left", 10_000, () -> events().path("open").asInt() == 1);
            assertTrue(closedByPeer(stalled), "the stalled client sees its stream end");
        }
        int before = seen.get();
        daemon.events().publish(new DaemonEvent(DaemonEvent.MESSAGE, message("after")));
        await("the reader is still served", 10_000, () -> seen.get() == before + 1);
        assertEquals(0, events().path("refused").asLong());
    }

    @Test
    void aSubscriberAboveTheHighWaterMarkForTheGraceIsClosedBeforeTheCap() throws Exception {
        StreamLimits limits = new StreamLimits(32, 64 * 1024, Duration.ofSeconds(1), 256L << 20);
        daemon = Daemon.start(DaemonOptions.of(tmp.resolve("d")).withEventStreams(limits));
        try (Socket stalled = stalledSubscriber()) {
            await("the stalled stream is open", 10_000, () -> events().path("open").asInt() == 1);
            AtomicInteger published = new AtomicInteger();
            await("the stalled stream is closed after its grace", Duration.ofSeconds(60), () -> {
                for (int i = 0; i < 50; i++) daemon.events().publish(new DaemonEvent(DaemonEvent.MESSAGE, message(PAYLOAD)));
                published.addAndGet(50);
                return events().path("slowClosed").asLong() == 1 || published.get() >= MAX_EVENTS;
            });
            JsonNode ev = events();
            System.out.printf("SSE: stream above the high-water mark closed after its 1 s grace: %d events published, peak held %d bytes%n",
                    published.get(), ev.path("peakQueuedBytes").asLong());
            assertEquals(1, ev.path("slowClosed").asLong(), ev.toString());
            assertTrue(ev.path("peakQueuedBytes").asLong() < limits.maxQueuedBytes(), "closed by the grace, not the cap: " + ev);
            await("no stream left", 10_000, () -> events().path("open").asInt() == 0);
            assertTrue(closedByPeer(stalled));
        }
        assertEquals(true, WireClient.of(daemon.client()).get("/v1/health").path("ok").asBoolean());
    }

    @Test
    void theStreamCountIsCapped() throws Exception {
        StreamLimits limits = new StreamLimits(2, 64 * 1024, Duration.ofSeconds(10), 1L << 20);
        daemon = Daemon.start(DaemonOptions.of(tmp.resolve("d")).withEventStreams(limits));
        try (Socket one = stalledSubscriber(); Socket two = stalledSubscriber()) {
            IpcException e = org.junit.jupiter.api.Assertions.assertThrows(IpcException.class, () -> WireClient.of(daemon.client()).events(x -> true));
            assertEquals(429, e.status());
            assertEquals("too_many_streams", e.code());
            assertEquals(1, events().path("refused").asLong());
        }
        await("both streams are gone", 10_000, () -> events().path("open").asInt() == 0);
    }

    /** A message event as the inbox publishes it (only the text matters here). */
    static InboxItem message(String text) {
        return new InboxItem(1, "m", "mesh-id", new PeerRef("p", "00"), text, "next", "dm", "c", "x", "relay", null, 1, null);
    }
}
