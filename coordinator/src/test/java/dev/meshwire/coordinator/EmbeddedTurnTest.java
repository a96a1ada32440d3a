package dev.meshwire.coordinator;

import static org.junit.jupiter.api.Assertions.*;

import dev.meshwire.coordinator.ice.IceSettings;
import dev.meshwire.signaling.frame.Frames;
import dev.meshwire.turn.PeerPolicy;
import dev.meshwire.turn.RestCredentials;
import java.io.File;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The coordinator's embedded STUN/TURN server: on by default, its secret generated into the data directory (0600)
 * and kept across restarts, hello_ack's TURN URLs and REST credentials for it, its meters in /metrics, and credentials
 * that an independent TURN client (coturn's turnutils_uclient) relays with.
 */
class EmbeddedTurnTest {

    /** The default config on a free port, with loopback peers allowed (everything here runs on 127.0.0.1). */
    private static CoordinatorConfig embedded(CoordinatorConfig c) {
        CoordinatorConfig onFreePort = c.withStunPort(0);
        IceSettings ice = onFreePort.ice();
        return onFreePort.withIce(ice.withServer(ice.server().toBuilder().peerPolicy(PeerPolicy.safeDefault().withAllowLoopback(true)).build()));
    }

    @Test
    void helloAckHandsOutStunAndTurnForTheEmbeddedServerWithItsGeneratedSecret() throws Exception {
        try (CoordinatorFixture fx = new CoordinatorFixture(EmbeddedTurnTest::embedded)) {
            int port = fx.coordinator.stunPort();
            assertTrue(port > 0, "the embedded server is bound");
            Path secretFile = fx.dataDir.resolve(Coordinator.TURN_SECRET_FILE);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secretFile)));
            String secret = Files.readString(secretFile, StandardCharsets.UTF_8).trim();
            assertTrue(secret.length() >= 40, "32 random bytes, base64url: " + secret.length());

            Meshes.Mesh m = Meshes.create(fx, "turn");
            try (TestPeer owner = fx.peer(m.owner())) {
                Frames.HelloAck ack = owner.hello(m.id());
                assertEquals(2, ack.iceServers().size(), ack.iceServers().toString());
                assertEquals(List.of("stun:127.0.0.1:" + port), ack.iceServers().get(0).urls());
                Frames.IceServer turn = ack.iceServers().get(1);
                assertEquals(List.of("turn:127.0.0.1:" + port + "?transport=udp", "turn:127.0.0.1:" + port + "?transport=tcp"), turn.urls());
                assertEquals(owner.pubkey(), turn.username().substring(turn.username().indexOf(':') + 1));
                long expiry = RestCredentials.expiryOf(turn.username());
                long now = System.currentTimeMillis() / 1000;
                assertTrue(expiry > now + 11 * 3600 && expiry <= now + 12 * 3600 + 1, "12 h credentials: " + expiry);
                assertEquals(RestCredentials.password(secret, turn.username()), turn.credential());
            }
            String metrics = fx.get("/metrics").text();
            assertTrue(metrics.contains("meshwire_turn_"), "the TURN meters are in the coordinator's /metrics");
        }
    }

    @Test
    void theSecretIsKeptAcrossRestartsAndOnlyAdvertisedTransportsAreHandedOut() throws Exception {
        Path data;
        String first;
        try (CoordinatorFixture fx = new CoordinatorFixture(EmbeddedTurnTest::embedded)) {
            data = fx.dataDir;
            first = Files.readString(data.resolve(Coordinator.TURN_SECRET_FILE)).trim();
        }
        try (CoordinatorFixture fx = new CoordinatorFixture(c -> {
            CoordinatorConfig e = embedded(c.toBuilder().dataDir(data).build());
            return e.withIce(e.ice().withAdvertised(Set.of(IceSettings.Transport.TCP)));
        })) {
            assertEquals(first, Files.readString(data.resolve(Coordinator.TURN_SECRET_FILE)).trim(), "the secret survives a restart");
            Meshes.Mesh m = Meshes.create(fx, "turn-tcp");
            try (TestPeer owner = fx.peer(m.owner())) {
                Frames.IceServer turn = owner.hello(m.id()).iceServers().get(1);
                assertEquals(List.of("turn:127.0.0.1:" + fx.coordinator.stunPort() + "?transport=tcp"), turn.urls());
                assertEquals(RestCredentials.password(first, turn.username()), turn.credential());
            }
        }
    }

    @Test
    void portInUseFailsTheStartWithTheReasonAndReleasesEverything() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
            Path dir = Files.createTempDirectory("mw-turn-taken");
            CoordinatorStartException e = assertThrows(CoordinatorStartException.class, () -> Coordinator.start(
                    CoordinatorConfig.defaults(dir).withListen("127.0.0.1", 0).withStunPort(taken.getLocalPort())));
            assertTrue(e.getMessage().startsWith("STUN/TURN server did not start"), e.getMessage());
            assertTrue(e.getMessage().contains(Integer.toString(taken.getLocalPort())), e.getMessage());
            // Nothing stayed bound: the same data directory starts fine on a free port.
            try (Coordinator c = Coordinator.start(CoordinatorConfig.defaults(dir).withListen("127.0.0.1", 0).withStunPort(0))) {
                assertTrue(c.stunPort() > 0);
            }
        }
    }

    @Test
    void aStartThatFailsAfterTheTurnServerBoundClosesIt() throws Exception {
        int turnPort;
        try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
            turnPort = probe.getLocalPort();
        }
        try (java.net.ServerSocket takenHttp = new java.net.ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            Path dir = Files.createTempDirectory("mw-turn-late-fail");
            CoordinatorStartException e = assertThrows(CoordinatorStartException.class, () -> Coordinator.start(
                    CoordinatorConfig.defaults(dir).withListen("127.0.0.1", takenHttp.getLocalPort()).withStunPort(turnPort)));
            assertTrue(e.getMessage().contains("already in use"), e.getMessage());
        }
        // The TURN server had bound UDP and TCP on turnPort before the HTTP listener failed: both are free again.
        try (DatagramSocket udp = new DatagramSocket(turnPort, InetAddress.getByName("127.0.0.1"));
             java.net.ServerSocket tcp = new java.net.ServerSocket(turnPort, 50, InetAddress.getByName("127.0.0.1"))) {
            assertEquals(turnPort, udp.getLocalPort());
            assertEquals(turnPort, tcp.getLocalPort());
        }
    }

    @Test
    void anEmptySecretFileIsAOneLineStartError() throws Exception {
        Path dir = Files.createTempDirectory("mw-turn-empty");
        Files.createFile(dir.resolve(Coordinator.TURN_SECRET_FILE), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        CoordinatorStartException e = assertThrows(CoordinatorStartException.class,
                () -> Coordinator.start(CoordinatorConfig.defaults(dir).withListen("127.0.0.1", 0).withStunPort(0)));
        assertTrue(e.getMessage().contains("is empty; delete it to generate a new one"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    /**
     * coturn's own client allocates on the embedded server with the credential hello_ack handed out, and relays
     * between two of its clients (-y) without loss: the coordinator and the server agree on the REST scheme.
     */
    @Test
    void coturnsClientRelaysWithTheHandedOutCredential() throws Exception {
        Assumptions.assumeTrue(onPath("turnutils_uclient"), "coturn's turnutils_uclient is not installed");
        try (CoordinatorFixture fx = new CoordinatorFixture(EmbeddedTurnTest::embedded)) {
            Meshes.Mesh m = Meshes.create(fx, "uclient");
            Frames.IceServer turn;
            try (TestPeer owner = fx.peer(m.owner())) {
                turn = owner.hello(m.id()).iceServers().get(1);
            }
            for (boolean tcp : new boolean[] {false, true}) {
                List<String> cmd = new ArrayList<>(List.of("turnutils_uclient", "-y", "-n", "50", "-m", "2", "-l", "200",
                        "-u", turn.username(), "-w", turn.credential(), "-p", Integer.toString(fx.coordinator.stunPort())));
                if (tcp) cmd.add("-t");
                cmd.add("127.0.0.1");
                Path log = Files.createTempFile("uclient", ".log");
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
                assertTrue(p.waitFor(60, TimeUnit.SECONDS), "turnutils_uclient finishes");
                String out = Files.readString(log);
                assertEquals(0, p.exitValue(), out);
                assertTrue(out.contains("Total lost packets 0 (0.000000%)"), (tcp ? "tcp: " : "udp: ") + out);
            }
            assertTrue(fx.coordinator.turnStats().allocationsTotal() >= 4, fx.coordinator.turnStats().toString());
        }
    }

    /** With a TLS port the coordinator hands out turns: too, and coturn's client relays over it. */
    @Test
    void tlsPortAddsATurnsUrlThatRelays() throws Exception {
        Assumptions.assumeTrue(onPath("openssl") && onPath("turnutils_uclient"), "openssl and coturn's turnutils_uclient are needed");
        Path dir = Files.createTempDirectory("mw-turn-tls");
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Process gen = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                "-keyout", key.toString(), "-out", cert.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("openssl.log").toFile()).start();
        assertTrue(gen.waitFor(60, TimeUnit.SECONDS) && gen.exitValue() == 0, "openssl made a certificate");
        try (CoordinatorFixture fx = new CoordinatorFixture(c -> {
            CoordinatorConfig e = embedded(c);
            return e.withIce(e.ice().withServer(e.ice().server().toBuilder().tls(new dev.meshwire.turn.TlsSettings(0, cert, key)).build()));
        })) {
            int port = fx.coordinator.stunPort();
            int tls = fx.coordinator.turnTlsPort();
            assertTrue(tls > 0 && tls != port, "TLS on its own port: " + tls);
            Meshes.Mesh m = Meshes.create(fx, "tls");
            Frames.IceServer turn;
            try (TestPeer owner = fx.peer(m.owner())) {
                turn = owner.hello(m.id()).iceServers().get(1);
            }
            assertEquals(List.of("turn:127.0.0.1:" + port + "?transport=udp", "turn:127.0.0.1:" + port + "?transport=tcp",
                    "turns:127.0.0.1:" + tls + "?transport=tcp"), turn.urls());
            Path log = dir.resolve("uclient.log");
            Process p = new ProcessBuilder("turnutils_uclient", "-t", "-S", "-y", "-n", "20", "-m", "1", "-l", "200",
                    "-u", turn.username(), "-w", turn.credential(), "-p", Integer.toString(tls), "127.0.0.1")
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "turnutils_uclient finishes");
            String out = Files.readString(log);
            assertTrue(out.contains("Total lost packets 0 (0.000000%)"), "tls: " + out);
        }
    }

    private static boolean onPath(String cmd) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, cmd))) return true;
        }
        return false;
    }
}
