package dev.meshwire.turn.server.transport;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;

/**
 * A TCP or TLS client connection. It carries at most one allocation (RFC 8656 §3.1: the 5-tuple is the connection),
 * released when the connection closes. Event-loop only.
 */
public final class StreamLink implements ClientLink {
    private final BatchedChannel channel;
    private final InetSocketAddress remote;
    private final InetSocketAddress local;
    private Object allocation;

    public StreamLink(BatchedChannel channel) {
        this.channel = channel;
        this.remote = (InetSocketAddress) channel.channel().remoteAddress();
        this.local = (InetSocketAddress) channel.channel().localAddress();
    }

    @Override
    public InetSocketAddress remote() {
        return remote;
    }

    @Override
    public InetSocketAddress local() {
        return local;
    }

    @Override
    public boolean stream() {
        return true;
    }

    @Override
    public void send(ByteBuf buf) {
        channel.write(buf);
    }

    @Override
    public boolean writable() {
        return channel.writable();
    }

    /** The allocation made over this connection, or null (typed by the allocation table). */
    public Object allocation() {
        return allocation;
    }

    public void allocation(Object a) {
        allocation = a;
    }

    public void close() {
        channel.channel().close();
    }
}
