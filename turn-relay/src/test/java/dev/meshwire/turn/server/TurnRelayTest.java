package dev.meshwire.turn.server;

import static dev.meshwire.turn.server.TurnTestClient.errorCode;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.turn.PeerPolicy;
import dev.meshwire.turn.TurnConfig;
import dev.meshwire.turn.TurnServer;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.attribute.Attribute;
import org.ice4j.attribute.DataAttribute;
import org.ice4j.attribute.XorPeerAddressAttribute;
import org.ice4j.message.Indication;
import org.ice4j.message.Message;
import org.ice4j.message.MessageFactory;
import org.junit.jupiter.api.Test;

/** The data path with our own client: Send/Data indications, ChannelData both ways, permissions, bandwidth cap. */
class TurnRelayTest {
    private static final String SECRET = "relay-secret";

    private static TurnConfig.Builder config() {
        return TurnConfig.defaults().toBuilder().listen("127.0.0.1", 0).secret(SECRET)
                .peerPolicy(PeerPolicy.safeDefault().withAllowLoopback(true));
    }

    private static DatagramSocket peer(String ip) throws Exception {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress(ip, 0));
        s.setSoTimeout(5000);
        return s;
    }

    private static byte[] receive(DatagramSocket s) throws Exception {
        DatagramPacket p = new DatagramPacket(new byte[4096], 4096);
        s.receive(p);
        return Arrays.copyOf(p.getData(), p.getLength());
    }

    private static void sendRaw(TurnTestClient c, byte[] bytes, int port) throws Exception {
        c.socket.send(new DatagramPacket(bytes, bytes.length, new InetSocketAddress("127.0.0.1", port)));
    }

    private static byte[] channelData(int channel, byte[] data) {
        return ByteBuffer.allocate(4 + data.length).putShort((short) channel).putShort((short) data.length).put(data).array();
    }

    @Test
    void sendAndDataIndicationsThenChannelDataBothWays() throws Exception {
        try (TurnServer server = TurnServer.start(config().build(), null);
             TurnTestClient c = TurnTestClient.rest(server.port(), SECRET, "alice");
             DatagramSocket peer = peer("127.0.0.1")) {
            InetSocketAddress relay = TurnTestClient.relayed(c.allocate());
            assertEquals(0, errorCode(c.createPermission("127.0.0.1")));
            TransportAddress peerAddr = new TransportAddress("127.0.0.1", peer.getLocalPort(), Transport.UDP);

            byte[] tid = TurnTestClient.tid();
            Indication send = MessageFactory.createSendIndication(peerAddr, "via send".getBytes(StandardCharsets.UTF_8), tid);
            send.setTransactionID(tid);
            sendRaw(c, send.encode(null), server.port());
            assertArrayEquals("via send".getBytes(StandardCharsets.UTF_8), receive(peer), "Send indication relayed");

            byte[] back = "back as data".getBytes(StandardCharsets.UTF_8);
            peer.send(new DatagramPacket(back, back.length, relay));
            DatagramPacket p = new DatagramPacket(new byte[4096], 4096);
            c.socket.setSoTimeout(5000);
            c.socket.receive(p);
            Message data = Message.decode(p.getData(), 0, p.getLength());
            assertEquals(0x0017, (int) data.getMessageType(), "a Data indication");
            assertArrayEquals(back, ((DataAttribute) data.getAttribute(Attribute.DATA)).getData());
            TransportAddress from = ((XorPeerAddressAttribute) data.getAttribute(Attribute.XOR_PEER_ADDRESS)).getAddress(data.getTransactionID());
            assertEquals(peer.getLocalPort(), from.getPort());

            assertEquals(0, errorCode(c.channelBind(0x4000, "127.0.0.1", peer.getLocalPort())));
            sendRaw(c, channelData(0x4000, "via channel".getBytes(StandardCharsets.UTF_8)), server.port());
            assertArrayEquals("via channel".getBytes(StandardCharsets.UTF_8), receive(peer), "ChannelData relayed");

            byte[] odd = "odd-size".getBytes(StandardCharsets.UTF_8);
            peer.send(new DatagramPacket(odd, odd.length, relay));
            c.socket.receive(p);
            assertArrayEquals(channelData(0x4000, odd), Arrays.copyOf(p.getData(), p.getLength()),
                    "a bound peer comes back as ChannelData, unpadded over UDP");
            assertEquals(2, server.stats().packetsToPeers());
            assertEquals(2, server.stats().packetsFromPeers());
        }
    }

    @Test
    void peersWithoutPermissionAreDropped() throws Exception {
        try (TurnServer server = TurnServer.start(config().build(), null);
             TurnTestClient c = TurnTestClient.rest(server.port(), SECRET, "alice");
             DatagramSocket stranger = peer("127.0.0.2")) {
            InetSocketAddress relay = TurnTestClient.relayed(c.allocate());
            assertEquals(0, errorCode(c.createPermission("127.0.0.1")));
            byte[] x = "let me in".getBytes(StandardCharsets.UTF_8);
            stranger.send(new DatagramPacket(x, x.length, relay));
            Conditions.await(Duration.ofSeconds(30), () -> "drop counted: " + server.stats(),
                    () -> server.stats().refusals().getOrDefault("no_permission", 0L) == 1);
            c.socket.setSoTimeout(300);
            try {
                c.socket.receive(new DatagramPacket(new byte[100], 100));
                throw new AssertionError("the client got a packet from a peer without permission");
            } catch (SocketTimeoutException expected) {
                assertEquals(0, server.stats().packetsFromPeers());
            }
        }
    }

    @Test
    void bandwidthCapDropsTheExcess() throws Exception {
        try (TurnServer server = TurnServer.start(config().maxBytesPerSecond(4000).build(), null);
             TurnTestClient c = TurnTestClient.rest(server.port(), SECRET, "alice");
             DatagramSocket peer = peer("127.0.0.1")) {
            c.allocate();
            assertEquals(0, errorCode(c.channelBind(0x4000, "127.0.0.1", peer.getLocalPort())));
            byte[] kb = new byte[1000];
            for (int i = 0; i < 40; i++) sendRaw(c, channelData(0x4000, kb), server.port());
            Conditions.await(Duration.ofSeconds(30), () -> "all 40 accounted for: " + server.stats(),
                    () -> server.stats().packetsToPeers() + server.stats().refusals().getOrDefault("bandwidth", 0L) == 40);
            long passed = server.stats().packetsToPeers();
            assertTrue(passed >= 4 && passed <= 10, "about one second's worth (4 KB) passed, not " + passed);
        }
    }
}
