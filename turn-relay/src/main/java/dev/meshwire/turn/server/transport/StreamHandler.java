package dev.meshwire.turn.server.transport;

import dev.meshwire.turn.server.handler.Dispatcher;
import dev.meshwire.turn.server.metrics.TurnMeters;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;

/**
 * A TCP/TLS client connection's pipeline end, after the {@link StreamFramer}: frames to the {@link Dispatcher}, one
 * flush per read burst; broken framing closes this connection only; closing releases its allocation.
 */
public final class StreamHandler extends ChannelInboundHandlerAdapter {
    private final Dispatcher dispatcher;
    private final FlushBatch batch;
    private final ErrorBoundary errors;
    private final TurnMeters meters;
    private StreamLink link;

    public StreamHandler(Dispatcher dispatcher, FlushBatch batch, ErrorBoundary errors, TurnMeters meters) {
        this.dispatcher = dispatcher;
        this.batch = batch;
        this.errors = errors;
        this.meters = meters;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        link = new StreamLink(new BatchedChannel(ctx.channel(), batch, ctx.pipeline().get(SslHandler.class) != null));
        meters.tcpConnections++;
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (link != null) {
            meters.tcpConnections--;
            dispatcher.onStreamClosed(link);
            link = null;
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        try {
            if (link != null) dispatcher.onStreamFrame(frame, link);
        } catch (RuntimeException e) {
            errors.caught("tcp connection", e);
        } finally {
            frame.release();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        Throwable root = cause instanceof io.netty.handler.codec.DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        boolean tlsTeardown = ssl != null && ssl.handshakeFuture().isSuccess() && root instanceof javax.net.ssl.SSLException;
        // a client that drops the connection without close_notify is not a refusal; a failed handshake is
        if (!tlsTeardown) errors.caught("tcp connection", cause);
        ctx.close();
    }
}
