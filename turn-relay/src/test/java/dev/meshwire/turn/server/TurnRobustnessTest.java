package dev.meshwire.turn.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.turn.PeerPolicy;
import dev.meshwire.turn.TurnConfig;
import dev.meshwire.turn.TurnServer;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import org.ice4j.attribute.Attribute;
import org.ice4j.message.MessageFactory;
import org.junit.jupiter.api.Test;

/**
 * Garbage in, nothing out of order: random and mutated datagrams and broken TCP framing never reach the event loop as
 * an exception, and the server keeps answering. (The million-datagram fuzz run is the fuzz harness's job; this is the
 * quick guard in every build.)
 */
class TurnRobustnessTest {
    private static final String SECRET = "fuzz-secret";

    @Test
    void randomAndMutatedDatagramsAreDroppedOrAnswered() throws Exception {
        TurnConfig c = TurnConfig.defaults().toBuilder().listen("127.0.0.1", 0).secret(SECRET)
                .peerPolicy(PeerPolicy.safeDefault().withAllowLoopback(true)).build();
        try (TurnServer server = TurnServer.start(c, null);
             TurnTestClient client = TurnTestClient.rest(server.port(), SECRET, "fuzz")) {
            client.allocate();
            // a valid authenticated request to mutate: every decoder and check sees near-valid input
            var req = MessageFactory.createChannelBindRequest((char) 0x4001,
                    new org.ice4j.TransportAddress("127.0.0.1", 9, org.ice4j.Transport.UDP), TurnTestClient.tid());
            req.setTransactionID(TurnTestClient.tid());
            req.putAttribute(org.ice4j.attribute.AttributeFactory.createUsernameAttribute(client.username));
            req.putAttribute(org.ice4j.attribute.AttributeFactory.createRealmAttribute(client.realm));
            req.putAttribute(org.ice4j.attribute.AttributeFactory.createNonceAttribute(client.nonce));
            byte[] valid = new dev.meshwire.turn.server.stun.Integrity().seal(req.encode(null),
                    dev.meshwire.turn.server.stun.Integrity.longTermKey(client.username, new String(client.realm), client.password));
            Random rnd = new Random(42);
            InetSocketAddress to = new InetSocketAddress("127.0.0.1", server.port());
            for (int i = 0; i < 60_000; i++) {
                byte[] b;
                if (i % 2 == 0) {
                    b = new byte[rnd.nextInt(200)];
                    rnd.nextBytes(b);
                    if (b.length > 8 && i % 4 == 0) { // make it look like STUN or ChannelData
                        b[0] &= 0x7f;
                        b[4] = 0x21; b[5] = 0x12; b[6] = (byte) 0xa4; b[7] = 0x42;
                    }
                } else {
                    b = valid.clone();
                    for (int k = 1 + rnd.nextInt(4); k > 0; k--) b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
                    if (rnd.nextInt(8) == 0) b = java.util.Arrays.copyOf(b, rnd.nextInt(b.length));
                }
                client.socket.send(new DatagramPacket(b, b.length, to));
                if (i % 500 == 0) Thread.onSpinWait();
            }
            var binding = client.send(MessageFactory.createBindingRequest());
            assertNotNull(binding.getAttribute(Attribute.XOR_MAPPED_ADDRESS), "still answering");
            assertEquals(0, server.stats().internalErrors(), "no exception reached the event loop: " + server.stats());
            assertTrue(server.stats().refusals().getOrDefault("malformed", 0L) > 0, server.stats().toString());
            assertEquals(1, server.stats().allocations(), "mutations made no allocation: " + server.stats());
        }
    }

    @Test
    void brokenTcpFramingClosesOnlyThatConnection() throws Exception {
        TurnConfig c = TurnConfig.defaults().toBuilder().listen("127.0.0.1", 0).secret(SECRET).build();
        try (TurnServer server = TurnServer.start(c, null)) {
            try (Socket bad = new Socket("127.0.0.1", server.port())) {
                bad.setSoTimeout(10_000);
                bad.getOutputStream().write(HexFormat.of().parseHex("ff00000011223344"));
                InputStream in = bad.getInputStream();
                assertEquals(-1, in.read(), "the server closed the connection");
            }
            try (Socket half = new Socket("127.0.0.1", server.port())) {
                half.getOutputStream().write(HexFormat.of().parseHex("000100102112a442")); // a header, then silence
                try (TurnTestClient tcp = new TurnTestClient(server.port(), "x", "x", true)) {
                    var r = tcp.send(MessageFactory.createBindingRequest());
                    assertNotNull(r.getAttribute(Attribute.XOR_MAPPED_ADDRESS), "another connection is served meanwhile");
                }
            }
            Conditions.await(Duration.ofSeconds(30), () -> "connections closed: " + server.stats(),
                    () -> server.stats().tcpConnections() == 0);
            assertEquals(1, server.stats().refusals().get("malformed"));
            assertEquals(0, server.stats().internalErrors());
        }
    }
}
