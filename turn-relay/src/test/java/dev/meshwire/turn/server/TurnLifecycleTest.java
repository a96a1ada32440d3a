package dev.meshwire.turn.server;

import static dev.meshwire.turn.server.TurnTestClient.errorCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.turn.TurnConfig;
import dev.meshwire.turn.TurnServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Ports and threads come back: on close, on expiry, on Refresh 0, on TCP disconnect. */
class TurnLifecycleTest {
    private static final String SECRET = "lifecycle-secret";

    /** A run of {@code n} consecutive ports free for UDP now. */
    private static int freeRange(int n) throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            int base = 20000 + (int) (Math.random() * 30000);
            boolean free = true;
            for (int p = base; p < base + n && free; p++) free = udpBindable(p);
            if (free) return base;
        }
        throw new IOException("no free run of " + n + " ports");
    }

    private static boolean udpBindable(int port) {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", port))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean tcpBindable(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static long turnThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("meshwire-turn")).count();
    }

    private static TurnConfig.Builder config(int base, int n) {
        return TurnConfig.defaults().toBuilder().listen("127.0.0.1", 0).secret(SECRET).relayPorts(base, base + n - 1);
    }

    @Test
    void closeReleasesEveryPortConnectionAndThread() throws Exception {
        int base = freeRange(8);
        TurnServer server = TurnServer.start(config(base, 8).build(), null);
        int port = server.port();
        List<TurnTestClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                TurnTestClient c = TurnTestClient.rest(port, SECRET, "u" + i);
                clients.add(c);
                assertEquals(0, errorCode(c.allocate()));
            }
            TurnTestClient t = TurnTestClient.rest(port, SECRET, "tcp", true);
            clients.add(t);
            assertEquals(0, errorCode(t.allocate()));
            assertEquals(5, server.stats().allocations());
            assertEquals(1, server.stats().tcpConnections());
            assertTrue(!udpBindable(port) && !tcpBindable(port), "the listeners hold the port");
        } finally {
            server.close();
        }
        server.close(); // idempotent
        for (int p = base; p < base + 8; p++) assertTrue(udpBindable(p), "relay port " + p + " released");
        assertTrue(udpBindable(port), "UDP listener port released");
        assertTrue(tcpBindable(port), "TCP listener port released");
        assertEquals(-1, clients.get(4).tcp.getInputStream().read(), "the TCP client connection was closed");
        Conditions.await(Duration.ofSeconds(30), () -> "event loop thread ended", () -> turnThreads() == 0);
        clients.forEach(TurnTestClient::close);
    }

    @Test
    void manyStartsAndClosesLeakNothing() throws Exception {
        long before = turnThreads();
        int fixed = CoturnTools.freePort();
        for (int i = 0; i < 25; i++) {
            TurnConfig c = TurnConfig.defaults().toBuilder().listen("127.0.0.1", i % 2 == 0 ? 0 : fixed).secret(SECRET).build();
            try (TurnServer s = TurnServer.start(c, null)) {
                assertTrue(s.port() > 0);
            }
        }
        assertTrue(udpBindable(fixed) && tcpBindable(fixed), "the fixed port is free after the last close");
        Conditions.await(Duration.ofSeconds(30), () -> "threads back to " + before + " (now " + turnThreads() + ")",
                () -> turnThreads() <= before);
    }

    @Test
    void startOnATakenPortFailsWithTheAddressAndHoldsNothing() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            TurnConfig c = TurnConfig.defaults().toBuilder().listen("127.0.0.1", taken.getLocalPort()).secret(SECRET).build();
            IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> TurnServer.start(c, null));
            assertTrue(e.getMessage().contains("127.0.0.1:" + taken.getLocalPort()), e.getMessage());
            assertTrue(tcpBindable(taken.getLocalPort()), "nothing stays bound");
        }
        Conditions.await(Duration.ofSeconds(30), () -> "no event loop left", () -> turnThreads() == 0);
    }

    @Test
    void expiredAllocationFreesItsPort() throws Exception {
        int base = freeRange(2);
        TurnConfig c = config(base, 2).allocationLifetimes(Duration.ofSeconds(1), Duration.ofSeconds(1)).build();
        try (TurnServer server = TurnServer.start(c, null);
             TurnTestClient client = TurnTestClient.rest(server.port(), SECRET, "alice")) {
            var ok = client.allocate();
            assertEquals(0, errorCode(ok));
            int relayPort = TurnTestClient.relayed(ok).getPort();
            assertTrue(!udpBindable(relayPort), "the relay port is in use while allocated");
            Conditions.await(Duration.ofSeconds(30), () -> "allocation expired: " + server.stats(),
                    () -> server.stats().allocations() == 0);
            Conditions.await(Duration.ofSeconds(30), () -> "the expired allocation's port " + relayPort + " is free again",
                    () -> udpBindable(relayPort));
            assertEquals(437, errorCode(client.refresh(600)), "the allocation is gone");
        }
    }

    @Test
    void refreshZeroAndTcpDisconnectFreeTheirPorts() throws Exception {
        int base = freeRange(4);
        try (TurnServer server = TurnServer.start(config(base, 4).build(), null)) {
            try (TurnTestClient udp = TurnTestClient.rest(server.port(), SECRET, "alice")) {
                int relayPort = TurnTestClient.relayed(udp.allocate()).getPort();
                var r = udp.refresh(0);
                assertEquals(0, errorCode(r));
                // NIO closes the socket for real at the event loop's next select: wait for it, briefly
                Conditions.await(Duration.ofSeconds(30), () -> "Refresh 0 released port " + relayPort, () -> udpBindable(relayPort));
            }
            int tcpRelayPort;
            try (TurnTestClient tcp = TurnTestClient.rest(server.port(), SECRET, "bob", true)) {
                tcpRelayPort = TurnTestClient.relayed(tcp.allocate()).getPort();
                assertEquals(1, server.stats().allocations());
            }
            Conditions.await(Duration.ofSeconds(30), () -> "TCP disconnect released the allocation: " + server.stats(),
                    () -> server.stats().allocations() == 0 && server.stats().tcpConnections() == 0);
            Conditions.await(Duration.ofSeconds(30), () -> "port " + tcpRelayPort + " free", () -> udpBindable(tcpRelayPort));
        }
    }

    @Test
    void metersAreInTheRegistry() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (TurnServer server = TurnServer.start(config(freeRange(2), 2).build(), registry);
             TurnTestClient c = TurnTestClient.rest(server.port(), SECRET, "alice")) {
            assertEquals(0, errorCode(c.allocate()));
            assertEquals(403, errorCode(c.createPermission("10.0.0.1")));
            assertEquals(1.0, registry.get("meshwire_turn_allocations_active").gauge().value());
            assertEquals(1.0, registry.get("meshwire_turn_allocations_total").functionCounter().count());
            assertEquals(1.0, registry.get("meshwire_turn_refusals_total").tag("reason", "peer_denied").functionCounter().count());
            assertTrue(registry.get("meshwire_turn_refusals_total").tag("reason", "unauthorized").functionCounter().count() >= 1);
            registry.get("meshwire_turn_relayed_packets_total").tag("direction", "to_peer").functionCounter();
            registry.get("meshwire_turn_relayed_bytes_total").tag("direction", "from_peer").functionCounter();
            registry.get("meshwire_turn_permissions").gauge();
            registry.get("meshwire_turn_channels").gauge();
            registry.get("meshwire_turn_tcp_connections").gauge();
            assertEquals(0.0, registry.get("meshwire_turn_internal_errors_total").functionCounter().count());
        }
    }
}
