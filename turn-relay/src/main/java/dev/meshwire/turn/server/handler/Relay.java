package dev.meshwire.turn.server.handler;

import dev.meshwire.turn.server.alloc.Allocation;
import dev.meshwire.turn.server.alloc.ChannelBinding;
import dev.meshwire.turn.server.alloc.Permission;
import dev.meshwire.turn.server.metrics.TurnMeters;
import dev.meshwire.turn.server.transport.BatchedChannel;
import dev.meshwire.turn.server.transport.ClientLink;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.concurrent.ThreadLocalRandom;
import org.ice4j.StunException;
import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.message.Indication;
import org.ice4j.message.MessageFactory;

/**
 * The data path, both ways. Client → peer: ChannelData (by hand: a 4-byte header, the payload forwarded as a slice of
 * the received buffer, no copy) and Send indications. Peer → client: ChannelData when the peer has a live channel,
 * else a Data indication; only peers with a live permission pass. Over the bandwidth cap, or when the outbound socket
 * is backed up, a packet is dropped (UDP semantics) and counted. Writes are batched, flushed per read burst.
 */
public final class Relay {
    private final TurnMeters meters;

    public Relay(TurnMeters meters) {
        this.meters = meters;
    }

    /** ChannelData from the client, {@code buf} positioned at its header; the caller keeps ownership of {@code buf}. */
    public void channelDataToPeer(Allocation a, ByteBuf buf, long now) {
        int at = buf.readerIndex();
        int number = buf.getUnsignedShort(at);
        int length = buf.getUnsignedShort(at + 2);
        if (length > buf.readableBytes() - 4) {
            meters.refused("malformed");
            return;
        }
        ChannelBinding b = a.channel(number);
        if (b == null || !b.alive(now)) {
            meters.refused("no_channel");
            return;
        }
        if (!b.permission().alive(now)) {
            meters.refused("no_permission");
            return;
        }
        toPeer(a, buf.retainedSlice(at + 4, length), b.peer, now);
    }

    /** Sends {@code payload} (ownership taken) from the relay to {@code peer}, which has a live permission. */
    void toPeer(Allocation a, ByteBuf payload, InetSocketAddress peer, long now) {
        int length = payload.readableBytes();
        if (a.toPeer != null && !a.toPeer.take(length, now)) {
            payload.release();
            meters.refused("bandwidth");
            return;
        }
        BatchedChannel relay = a.relay();
        if (!relay.writable()) {
            payload.release();
            meters.refused("congestion");
            return;
        }
        relay.write(new DatagramPacket(payload, peer));
        meters.packetsToPeers++;
        meters.bytesToPeers += length;
    }

    /** A datagram from a peer to the relay port of {@code a}; the caller keeps ownership of {@code packet}. */
    public void fromPeer(Allocation a, DatagramPacket packet, long now) {
        InetSocketAddress peer = packet.sender();
        Permission p = a.permission(peer.getAddress(), now);
        if (p == null) {
            meters.refused("no_permission");
            return;
        }
        ByteBuf content = packet.content();
        int length = content.readableBytes();
        if (a.fromPeer != null && !a.fromPeer.take(length, now)) {
            meters.refused("bandwidth");
            return;
        }
        ClientLink client = a.client;
        if (!client.writable()) {
            meters.refused("congestion");
            return;
        }
        ChannelBinding b = a.channelFor(peer);
        if (b != null && b.alive(now)) {
            int pad = client.stream() ? (-length & 3) : 0;
            ByteBuf out = a.relay().channel().alloc().ioBuffer(4 + length + pad);
            out.writeShort(b.number).writeShort(length);
            out.writeBytes(content, content.readerIndex(), length);
            if (pad > 0) out.writeZero(pad);
            client.send(out);
        } else if (length <= 65000) {
            client.send(Unpooled.wrappedBuffer(dataIndication(peer, content, length)));
        } else {
            meters.refused("oversize");
            return;
        }
        meters.packetsFromPeers++;
        meters.bytesFromPeers += length;
    }

    private static byte[] dataIndication(InetSocketAddress peer, ByteBuf content, int length) {
        byte[] data = new byte[length];
        content.getBytes(content.readerIndex(), data);
        byte[] tid = new byte[12];
        ThreadLocalRandom.current().nextBytes(tid);
        // ice4j's createDataIndication ignores its transaction id argument: set it on the message
        Indication ind = MessageFactory.createDataIndication(new TransportAddress(peer.getAddress(), peer.getPort(), Transport.UDP), data, tid);
        try {
            ind.setTransactionID(tid);
        } catch (StunException e) {
            throw new IllegalStateException("a 12-byte transaction id is valid", e);
        }
        return ind.encode(null);
    }
}
