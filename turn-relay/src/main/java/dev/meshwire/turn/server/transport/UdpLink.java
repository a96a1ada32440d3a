package dev.meshwire.turn.server.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;

/** A UDP client: datagrams to {@code remote} through the shared listener socket. */
public record UdpLink(BatchedChannel listener, InetSocketAddress remote) implements ClientLink {
    @Override
    public InetSocketAddress local() {
        return (InetSocketAddress) listener.channel().localAddress();
    }

    @Override
    public boolean stream() {
        return false;
    }

    @Override
    public void send(ByteBuf buf) {
        listener.write(new DatagramPacket(buf, remote));
    }

    @Override
    public boolean writable() {
        return listener.writable();
    }
}
