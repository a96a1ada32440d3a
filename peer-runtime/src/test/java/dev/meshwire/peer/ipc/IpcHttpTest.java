package dev.meshwire.peer.ipc;

import static dev.meshwire.peer.TestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.peer.daemon.Daemon;
import dev.meshwire.peer.daemon.DaemonOptions;
import dev.meshwire.peer.events.DaemonEvent;
import dev.meshwire.peer.ipc.api.LinkEvent;
import dev.meshwire.peer.ipc.api.PeerJoinedEvent;
import dev.meshwire.signaling.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link IpcHttp}, the CLI's plain-socket HTTP/1.1 transport, against the real daemon's IpcServer: fixed-length
 * JSON answers, request bodies, the chunked SSE stream, and the errors a user sees (wrong token, daemon gone).
 */
class IpcHttpTest {
    @TempDir
    static Path tmp;
    static Daemon daemon;

    @BeforeAll
    static void start() {
        daemon = Daemon.start(DaemonOptions.of(tmp.resolve("home")));
    }

    @AfterAll
    static void stop() {
        if (daemon != null) daemon.close();
    }

    static IpcClient client() {
        return new IpcClient(daemon.ipcPort(), daemon.token());
    }

    @Test
    void getAnswersAreParsedAsJson() {
        IpcClient c = client();
        assertTrue(c.alive());
        JsonNode st = c.get("/v1/status");
        assertEquals(daemon.ipcPort(), st.path("daemon").path("ipcPort").asInt(), st.toString());
        assertTrue(st.path("meshes").isArray(), st.toString());
        assertTrue(c.get("/v1/health").path("ok").asBoolean());
    }

    @Test
    void rawResponsesCarryStatusAndExactBody() throws IOException {
        IpcHttp http = new IpcHttp("127.0.0.1", daemon.ipcPort(), Duration.ofSeconds(2));
        try (IpcHttp.Response r = http.open("GET", "/v1/health", new String[] {"Authorization", "Bearer " + daemon.token()},
                null, Duration.ofSeconds(10))) {
            assertEquals(200, r.status());
            JsonNode body = Json.MAPPER.readTree(r.bodyText());
            assertTrue(body.path("ok").asBoolean(), body.toString());
            assertEquals(ProcessHandle.current().pid(), body.path("pid").asLong(), "the in-process daemon answered: " + body);
            assertEquals(-1, r.body().read(), "the body ends at its Content-Length");
        }
        try (IpcHttp.Response r = http.open("GET", "/v1/no-such-route", new String[] {"Authorization", "Bearer " + daemon.token()},
                null, Duration.ofSeconds(10))) {
            assertEquals(404, r.status());
        }
    }

    @Test
    void postBodiesArriveAsJson() {
        IpcClient c = client();
        // The daemon's answer depends on the body, so a lost or mangled body would show up as the wrong error.
        IpcException noTo = assertThrows(IpcException.class, () -> c.post("/v1/send", Map.of()));
        assertEquals(400, noTo.status());
        assertEquals("bad_request", noTo.code());
        assertTrue(noTo.getMessage().contains("'to'"), noTo.getMessage());
        IpcException withTo = assertThrows(IpcException.class,
                () -> c.post("/v1/send", Map.of("to", "zoë", "message", "grüße", "mesh", "zürich")));
        assertFalse(withTo.code().equals("bad_request") && withTo.getMessage().contains("'to'"),
                "the second body was read: " + withTo.code() + " " + withTo.getMessage());
        assertTrue(withTo.status() >= 400 && withTo.status() < 500, withTo.status() + " " + withTo.code());
    }

    @Test
    void theEventStreamIsDechunkedEventByEventUntilTheCallerStops() throws Exception {
        IpcClient c = client();
        List<IpcClient.SseEvent> seen = new CopyOnWriteArrayList<>();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        int openBefore = c.get("/v1/status").path("daemon").path("events").path("open").asInt();
        Thread reader = new Thread(() -> {
            try {
                c.events(ev -> {
                    seen.add(ev);
                    return seen.size() < 3;
                });
            } catch (Throwable t) {
                failed.set(t);
            }
        }, "sse-reader");
        reader.setDaemon(true);
        reader.start();
        await("the stream is open", 30_000, () -> c.get("/v1/status").path("daemon").path("events").path("open").asInt() == openBefore + 1);
        // Three events written as separate chunks, one of them larger than any read buffer in between.
        String big = "ü".repeat(40_000);
        daemon.events().publish(new DaemonEvent(DaemonEvent.PEER_JOINED, new PeerJoinedEvent("m", "first", "k1", "member")));
        daemon.events().publish(new DaemonEvent(DaemonEvent.PEER_JOINED, new PeerJoinedEvent("m", big, "k2", "member")));
        daemon.events().publish(new DaemonEvent(DaemonEvent.LINK, new LinkEvent("m", "connected", null)));
        reader.join(30_000);
        assertFalse(reader.isAlive(), "events() returned once the caller said stop");
        assertEquals(null, failed.get());
        assertEquals(3, seen.size(), seen.toString());
        assertEquals(DaemonEvent.PEER_JOINED, seen.get(0).event());
        assertTrue(seen.get(0).data().contains("\"first\""), seen.get(0).data());
        assertTrue(seen.get(1).data().contains(big), "the large event arrives whole, UTF-8 intact");
        assertEquals(DaemonEvent.LINK, seen.get(2).event());
        await("the daemon saw the stream close", 30_000,
                () -> c.get("/v1/status").path("daemon").path("events").path("open").asInt() == openBefore);
    }

    @Test
    void aWrongTokenIsTheDaemonsOwnClearError() {
        IpcClient c = new IpcClient(daemon.ipcPort(), "not-the-token");
        assertFalse(c.alive());
        IpcException e = assertThrows(IpcException.class, c::status);
        assertEquals(401, e.status());
        assertEquals("unauthorized", e.code());
        assertTrue(e.getMessage().contains("token"), e.getMessage());
        IpcException stream = assertThrows(IpcException.class, () -> c.events(ev -> true));
        assertEquals(401, stream.status());
        assertEquals("unauthorized", stream.code());
    }

    @Test
    void aDaemonThatIsGoneIsDaemonUnavailable() throws Exception {
        Daemon gone = Daemon.start(DaemonOptions.of(tmp.resolve("gone")));
        IpcClient c = new IpcClient(gone.ipcPort(), gone.token());
        assertTrue(c.alive());
        gone.close();
        assertFalse(c.alive());
        IpcException e = assertThrows(IpcException.class, c::status);
        assertEquals(0, e.status());
        assertEquals("daemon_unavailable", e.code());
        assertTrue(e.getMessage().startsWith("cannot reach the daemon at http://127.0.0.1:" + gone.ipcPort()), e.getMessage());
        assertEquals("daemon_unavailable", assertThrows(IpcException.class, () -> c.events(ev -> true)).code());
    }

    @Test
    void aServerThatIsNotHttpIsDaemonUnavailableNotAHang() throws Exception {
        try (ServerSocket notHttp = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                try (var s = notHttp.accept()) {
                    InputStream in = s.getInputStream();
                    in.read(new byte[256]);
                    s.getOutputStream().write("SSH-2.0-OpenSSH_9.2\r\n".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException ignored) {
                    // the test's assertion is on the client side
                }
            });
            t.setDaemon(true);
            t.start();
            IpcException e = assertThrows(IpcException.class, () -> new IpcClient(notHttp.getLocalPort(), "t").status());
            assertEquals("daemon_unavailable", e.code());
            assertTrue(e.getMessage().contains("not an HTTP response"), e.getMessage());
        }
    }
}
