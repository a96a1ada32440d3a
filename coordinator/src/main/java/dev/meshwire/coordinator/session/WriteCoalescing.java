package dev.meshwire.coordinator.session;

import dev.meshwire.coordinator.http.NettyChannels;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.vertx.core.http.HttpConnection;

/**
 * One flush for all the frames a connection is written in one pass of its event loop. Vert.x flushes every
 * WebSocket write made outside a read at once — one {@code write} system call per frame — and the relay writes
 * most of its frames outside a read: when a group commit completes, every {@code ack} and {@code deliver} of that
 * group, then the {@code receipt}s of a batch of {@code client_ack}s. Netty's {@link FlushConsolidationHandler} at
 * the head of the pipeline defers such a flush to the end of the current event-loop task (and a flush during a read
 * to the end of the read), so those frames leave in one system call; at most 256 flushes are
 * held back before one goes through. Frames are neither reordered nor held past the task that wrote them.
 */
public final class WriteCoalescing {
    static final String NAME = "meshwire-flush-consolidation";
    /** Flushes held back at most before one is passed on (Netty's default). */
    static final int MAX_DEFERRED = FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES;

    private WriteCoalescing() {}

    /** For {@code HttpServer.connectionHandler}, before any byte of the connection is written. */
    public static void install(HttpConnection conn) {
        ChannelPipeline pipeline = NettyChannels.of(conn).pipeline();
        if (pipeline.get(NAME) == null) pipeline.addFirst(NAME, new FlushConsolidationHandler(MAX_DEFERRED, true));
    }
}
