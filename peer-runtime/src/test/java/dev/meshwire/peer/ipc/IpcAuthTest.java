package dev.meshwire.peer.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.peer.daemon.Daemon;
import dev.meshwire.peer.daemon.DaemonOptions;
import dev.meshwire.peer.home.MeshwireHome;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The IPC surface refuses everything without the bearer token, and never accepts it in a URL. */
class IpcAuthTest {
    @TempDir
    static Path tmp;
    static Daemon daemon;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        daemon = Daemon.start(DaemonOptions.of(tmp.resolve("home")));
    }

    @AfterAll
    static void stop() {
        daemon.close();
    }

    private static HttpResponse<String> get(String pathAndQuery, String auth) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + daemon.ipcPort() + pathAndQuery));
        if (auth != null) b.header("Authorization", auth);
        return http.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void missingTokenIs401() throws Exception {
        HttpResponse<String> r = get("/v1/status", null);
        assertEquals(401, r.statusCode());
        assertTrue(r.body().contains("\"unauthorized\""), r.body());
    }

    @Test
    void wrongTokenIs401() throws Exception {
        assertEquals(401, get("/v1/status", "Bearer not-the-token").statusCode());
        assertEquals(401, get("/v1/health", "Basic " + daemon.token()).statusCode());
    }

    @Test
    void tokenInQueryIs400EvenWithAValidHeader() throws Exception {
        assertEquals(400, get("/v1/status?token=" + daemon.token(), null).statusCode());
        HttpResponse<String> r = get("/v1/status?token=" + daemon.token(), "Bearer " + daemon.token());
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("token_in_query"), r.body());
    }

    @Test
    void rightTokenIsAccepted() throws Exception {
        HttpResponse<String> r = get("/v1/status", "Bearer " + daemon.token());
        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains("\"meshes\""), r.body());
        assertTrue(daemon.client().alive());
        assertEquals(404, get("/v1/nope", "Bearer " + daemon.token()).statusCode());
    }

    @Test
    void eventStreamNeedsTheTokenToo() throws Exception {
        assertEquals(401, get("/v1/events", null).statusCode());
    }

    @Test
    void tokenAndPortFilesArePrivate() throws Exception {
        MeshwireHome home = daemon.home();
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home.tokenFile())));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home.portFile())));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home.pidFile())));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home.inboxDb())));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home.root())));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home.daemonDir())));
        assertEquals(daemon.token(), Files.readString(home.tokenFile()).trim());
        // 32 random bytes, base64url without padding
        assertEquals(43, daemon.token().length());
        assertTrue(daemon.token().matches("[A-Za-z0-9_-]+"));
    }

    @Test
    void secondDaemonOnTheSameHomeIsRefused() {
        var e = org.junit.jupiter.api.Assertions.assertThrows(dev.meshwire.peer.PeerException.class,
                () -> Daemon.start(DaemonOptions.of(daemon.home().root())));
        assertTrue(e.getMessage().contains("already running"), e.getMessage());
    }
}
