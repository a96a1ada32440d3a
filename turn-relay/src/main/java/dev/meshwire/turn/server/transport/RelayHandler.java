package dev.meshwire.turn.server.transport;

import dev.meshwire.turn.server.alloc.Allocation;
import dev.meshwire.turn.server.handler.Dispatcher;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;

/** A relay socket's pipeline end: datagrams from peers to the {@link Dispatcher}, one flush per read burst. */
public final class RelayHandler extends ChannelInboundHandlerAdapter {
    private final Allocation allocation;
    private final Dispatcher dispatcher;
    private final FlushBatch batch;
    private final ErrorBoundary errors;

    public RelayHandler(Allocation allocation, Dispatcher dispatcher, FlushBatch batch, ErrorBoundary errors) {
        this.allocation = allocation;
        this.dispatcher = dispatcher;
        this.batch = batch;
        this.errors = errors;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        DatagramPacket p = (DatagramPacket) msg;
        try {
            dispatcher.onPeerDatagram(allocation, p);
        } catch (RuntimeException e) {
            errors.caught("relay", e);
        } finally {
            p.release();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        errors.caught("relay", cause);
    }
}
