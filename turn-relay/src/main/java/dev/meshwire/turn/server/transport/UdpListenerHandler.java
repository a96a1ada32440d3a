package dev.meshwire.turn.server.transport;

import dev.meshwire.turn.server.handler.Dispatcher;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;

/** The UDP listener's pipeline end: every datagram to the {@link Dispatcher}, one flush per read burst. */
public final class UdpListenerHandler extends ChannelInboundHandlerAdapter {
    private final Dispatcher dispatcher;
    private final FlushBatch batch;
    private final ErrorBoundary errors;
    private BatchedChannel self;

    public UdpListenerHandler(Dispatcher dispatcher, FlushBatch batch, ErrorBoundary errors) {
        this.dispatcher = dispatcher;
        this.batch = batch;
        this.errors = errors;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        self = new BatchedChannel(ctx.channel(), batch);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        DatagramPacket p = (DatagramPacket) msg;
        try {
            dispatcher.onDatagram(p, self);
        } catch (RuntimeException e) {
            errors.caught("udp listener", e);
        } finally {
            p.release();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        errors.caught("udp listener", cause);
    }
}
