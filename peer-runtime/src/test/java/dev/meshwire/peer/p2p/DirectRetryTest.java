package dev.meshwire.peer.p2p;

import dev.meshwire.peer.TestSupport;
import static dev.meshwire.peer.p2p.Recorder.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.turn.RestCredentials;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A session that sits on TURN is replaced by a fresh handshake, with a doubling wait, so a direct path that lost
 * the first ICE race still gets found. Real WebRTC and a real coturn on this machine's non-loopback address; the
 * offerer signals and accepts relay candidates only (a candidate filter: with {@code relayOnly} the engine would,
 * rightly, never retry), so every session of this pair lands on TURN and the retries can be watched.
 */
class DirectRetryTest {
    private static final String MESH = "mesh-direct-retry";
    private static final String SECRET = "direct-retry-test-secret";

    private Process coturn;
    private Path dir;
    private P2pEngine ea;
    private P2pEngine eb;
    private InMemorySignaling hub;

    @BeforeAll
    static void natives() {
        TestSupport.requireWebRtc();
    }

    @AfterEach
    void stop() throws Exception {
        if (ea != null) ea.close();
        if (eb != null) eb.close();
        if (hub != null) hub.close();
        if (coturn != null) {
            coturn.destroy();
            if (!coturn.waitFor(5, TimeUnit.SECONDS)) coturn.destroyForcibly();
        }
    }

    @Test
    void sessionOnTurnIsRetriedWithDoublingWaitAndMessagesStillArrive() throws Exception {
        String ip = firstNonLoopbackIpv4();
        IceServer turn = startCoturn(ip);
        P2pConfig base = P2pConfig.defaults()
                .withTimers(Duration.ofSeconds(15), Duration.ofMinutes(5), Duration.ofHours(1), Duration.ofMillis(200))
                .withDirectRetry(Duration.ofSeconds(1), Duration.ofSeconds(4));
        Identity a = Identity.generate(), b = Identity.generate();
        Set<String> roster = Set.of(a.publicKeyHex(), b.publicKeyHex());
        hub = new InMemorySignaling();
        Recorder ra = new Recorder(), rb = new Recorder();
        ea = new P2pEngine(NativeWebRtc.get(), a, MESH, roster::contains, hub.endpoint(a.publicKeyHex()),
                base.withIceServers(List.of(turn), false).withCandidateFilter(line -> line.contains(" typ relay")), ra);
        eb = new P2pEngine(NativeWebRtc.get(), b, MESH, roster::contains, hub.endpoint(b.publicKeyHex()),
                base.withIceServers(List.of(turn), false), rb);
        String pb = b.publicKeyHex();

        assertEquals(ConnectOutcome.STARTED, ea.connect(pb));
        await("first channel open on TURN", Duration.ofSeconds(20),
                () -> ea.state(pb) == SessionState.OPEN && ea.path(pb) != null);
        assertTrue(ea.path(pb).relayed(), "an offerer that only knows relay candidates must be on a TURN pair: " + ea.path(pb));

        // Three retries: the close reasons carry the wait, which doubles from 1 s and is capped at 4 s.
        await("three direct retries", Duration.ofSeconds(45), () -> retryReasons(ra).size() >= 3);
        assertEquals(List.of("on TURN for 1 s, retrying for a direct path", "on TURN for 2 s, retrying for a direct path",
                "on TURN for 4 s, retrying for a direct path"), retryReasons(ra).subList(0, 3));
        // The peer was told each time, and each retry opened a new session.
        await("peer saw the retries", Duration.ofSeconds(10), () -> retryReasons(rb).size() >= 3);
        await("a fresh session after the third retry", Duration.ofSeconds(20), () -> ra.count(SessionState.OPEN) >= 4);

        // Between retries the channel works as always.
        await("open again", Duration.ofSeconds(20), () -> ea.state(pb) == SessionState.OPEN);
        Ack ack = ea.send(pb, "still here".getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
        assertEquals(10, ack.bytes());
        await("delivered", Duration.ofSeconds(5),
                () -> rb.messages.stream().anyMatch(m -> new String(m.bytes(), StandardCharsets.UTF_8).equals("still here")));
    }

    private static List<String> retryReasons(Recorder r) {
        return r.states.stream()
                .filter(e -> e.state() == SessionState.CLOSED && e.reason() != null && e.reason().contains("retrying for a direct path"))
                .map(e -> e.reason().replaceFirst("^.*?(on TURN for)", "$1"))
                .toList();
    }

    // ---- coturn ----

    private IceServer startCoturn(String ip) throws Exception {
        if (!onPath("turnserver")) TestSupport.skipOrFail("coturn's turnserver is not installed (apt-get install coturn)");
        dir = Files.createTempDirectory("mw-retry-turn");
        int port = freePort();
        coturn = new ProcessBuilder("turnserver", "-n", "--listening-ip=" + ip, "--relay-ip=" + ip,
                "--listening-port=" + port, "--min-port=50100", "--max-port=50300", "--use-auth-secret",
                "--static-auth-secret=" + SECRET, "--realm=meshwire.test", "--no-tls", "--no-dtls", "--no-cli",
                "--fingerprint", "--pidfile=" + dir.resolve("turn.pid"), "--userdb=" + dir.resolve("turndb"),
                "--log-file=" + dir.resolve("turn.log"), "--simple-log")
                .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        await("coturn listening on " + ip + ":" + port, Duration.ofSeconds(15), () -> {
            if (!coturn.isAlive()) throw new AssertionError("turnserver exited: see " + dir);
            return udpPortTaken(ip, port);
        });
        String user = (System.currentTimeMillis() / 1000 + 3600) + ":retry-test";
        String password = RestCredentials.password(SECRET, user);   // the TURN REST credential the coordinator issues
        return new IceServer(List.of("turn:" + ip + ":" + port + "?transport=udp"), user, password);
    }

    private static boolean onPath(String cmd) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(d, cmd))) return true;
        }
        return false;
    }

    private static boolean udpPortTaken(String ip, int port) {
        try (DatagramSocket s = new DatagramSocket(port, InetAddress.getByName(ip))) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String firstNonLoopbackIpv4() throws IOException {
        for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!ni.isUp() || ni.isLoopback()) continue;
            for (InetAddress addr : Collections.list(ni.getInetAddresses())) {
                if (addr instanceof Inet4Address) return addr.getHostAddress();
            }
        }
        TestSupport.skipOrFail("no non-loopback IPv4 interface: WebRTC gathers no candidates on loopback");
        return null;
    }
}
