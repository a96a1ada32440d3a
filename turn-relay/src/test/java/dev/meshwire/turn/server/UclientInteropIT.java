package dev.meshwire.turn.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.turn.PeerPolicy;
import dev.meshwire.turn.TurnConfig;
import dev.meshwire.turn.TurnServer;
import dev.meshwire.turn.TurnStats;
import java.nio.file.Path;
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

    static void assertRelayedAll(CoturnTools.UclientResult r, TurnStats stats) {
        System.out.println("turnutils_uclient: " + r + "; server " + stats);
        assertEquals(10_000, r.sent(), "uclient sent every message: " + r);
        assertEquals(0, r.lost(), "no message lost: " + r);
        assertEquals(r.sent(), r.received(), "every message came back: " + r);
        assertTrue(stats.packetsToPeers() >= 10_000 && stats.packetsFromPeers() >= 10_000, "the server relayed them: " + stats);
        assertEquals(0, stats.internalErrors(), "no internal error: " + stats);
    }
}
