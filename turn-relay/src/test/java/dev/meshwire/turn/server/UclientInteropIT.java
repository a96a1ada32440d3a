package dev.meshwire.turn.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.turn.PeerPolicy;
import dev.meshwire.turn.TurnConfig;
import dev.meshwire.turn.TurnServer;
import dev.meshwire.turn.TurnStats;
import dev.meshwire.turn.TlsSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * coturn's own client, turnutils_uclient, relays 10 clients x 1000 messages of 1 KiB through our server to
 * turnutils_peer and back: Allocate (with EVEN-PORT and RESERVATION-TOKEN for its RTCP leg), Refresh,
 * CreatePermission, ChannelBind and ChannelData both ways. The pass condition is that everything sent comes back.
 */
class UclientInteropIT {
    static final String SECRET = "interop-secret";

    @TempDir
    Path dir;
    private Process peer;
    private int peerPort;

    @BeforeEach
    void startPeer() throws Exception {
        peerPort = CoturnTools.freePort();
        peer = CoturnTools.startEchoPeer(peerPort, dir.resolve("peer.log"));
    }

    @AfterEach
    void stopPeer() {
        if (peer != null) peer.destroy();
    }

    static TurnConfig.Builder loopbackConfig() {
        return TurnConfig.defaults().toBuilder().listen("127.0.0.1", 0).secret(SECRET)
                .peerPolicy(PeerPolicy.safeDefault().withAllowLoopback(true));
    }

    @Test
    void udpRelaysEveryMessage() throws Exception {
        try (TurnServer server = TurnServer.start(loopbackConfig().build(), null)) {
            CoturnTools.UclientResult r = CoturnTools.uclient(SECRET, server.port(), peerPort, List.of());
            assertRelayedAll(r, server.stats());
        }
    }

    @Test
    void tcpRelaysEveryMessage() throws Exception {
        try (TurnServer server = TurnServer.start(loopbackConfig().build(), null)) {
            CoturnTools.UclientResult r = CoturnTools.uclient(SECRET, server.port(), peerPort, List.of("-t"));
            assertRelayedAll(r, server.stats());
        }
    }

    @Test
    void tlsRelaysEveryMessage() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        String out = CoturnTools.run(60, List.of(CoturnTools.binary("openssl"), "req", "-x509", "-newkey", "rsa:2048",
                "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days", "1", "-subj", "/CN=localhost"));
        assertTrue(Files.exists(cert) && Files.exists(key), "openssl made a certificate: " + out);
        TurnConfig config = loopbackConfig().tls(new TlsSettings(0, cert, key)).build();
        try (TurnServer server = TurnServer.start(config, null)) {
            assertTrue(server.tlsPort() > 0 && server.tlsPort() != server.port(), "TLS has its own port");
            CoturnTools.UclientResult r = CoturnTools.uclient(SECRET, server.tlsPort(), peerPort, List.of("-t", "-S"));
            assertRelayedAll(r, server.stats());
        }
    }

    @Test
    void stunclientLearnsItsMappedAddress() throws Exception {
        try (TurnServer server = TurnServer.start(loopbackConfig().build(), null)) {
            String out = CoturnTools.run(60, List.of(CoturnTools.binary("turnutils_stunclient"), "-p",
                    String.valueOf(server.port()), "127.0.0.1"));
            Matcher m = Pattern.compile("UDP reflexive addr: ([0-9.]+):(\\d+)").matcher(out);
            assertTrue(m.find(), "stunclient printed its reflexive address:\n" + out);
            assertEquals("127.0.0.1", m.group(1), out);
            int port = Integer.parseInt(m.group(2));
            assertTrue(port > 0 && port < 65536 && port != server.port(), "a client port, not the server's: " + out);
        }
    }

    static void assertRelayedAll(CoturnTools.UclientResult r, TurnStats stats) {
        System.out.println("turnutils_uclient: " + r + "; server " + stats);
        assertEquals(10_000, r.sent(), "uclient sent every message: " + r);
        assertEquals(0, r.lost(), "no message lost: " + r);
        assertEquals(r.sent(), r.received(), "every message came back: " + r);
        assertTrue(stats.packetsToPeers() >= 10_000 && stats.packetsFromPeers() >= 10_000, "the server relayed them: " + stats);
        assertEquals(0, stats.internalErrors(), "no internal error: " + stats);
    }
}
