package dev.meshwire.coordinator.session;

import dev.meshwire.coordinator.http.NettyChannels;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.vertx.core.http.HttpConnection;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One flush for all the frames a connection is written in one pass of its event loop. Vert.x flushes every
 * WebSocket write made outside a read at once — one {@code write} system call per frame — and the relay writes
 * most of its frames outside a read: when a group commit completes, every {@code ack} and {@code deliver} of that
 * group, then the {@code receipt}s of a batch of {@code client_ack}s. Netty's {@link FlushConsolidationHandler} at
 * the head of the pipeline defers such a flush to a task that runs once the current event-loop task is done (and a
 * flush during a read to the end of the read), so those frames leave in one system call; at most 256 flushes are
 * held back before one goes through. Frames are neither reordered nor held past the task that wrote them.
 *
 * <p><b>Stop before the server closes.</b> Vert.x closes a connection only once an empty write with a flush has
 * completed; deferred here, that flush is a task the stopping event loop may never run, and the connection then
 * stays open with its close frame unsent (seen as a peer waiting forever for the coordinator's 1001, 4 of 600
 * shutdowns under load). {@link #stop} therefore takes the handler out of every open pipeline — which flushes what it
 * held — and later connections get none.
 */
public final class WriteCoalescing {
    static final String NAME = "meshwire-flush-consolidation";
    /** Flushes held back at most before one is passed on (Netty's default). */
    static final int MAX_DEFERRED = FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES;

    private final Set<Channel> channels = ConcurrentHashMap.newKeySet();
    private volatile boolean stopped;

    /** For {@code HttpServer.connectionHandler}, before any byte of the connection is written. */
    public void install(HttpConnection conn) {
        install(NettyChannels.of(conn));
    }

    void install(Channel channel) {
        if (stopped || channel.pipeline().get(NAME) != null) return;
        channel.pipeline().addFirst(NAME, new FlushConsolidationHandler(MAX_DEFERRED, true));
        channels.add(channel);
        channel.closeFuture().addListener(f -> channels.remove(channel));
        if (stopped) uninstall(channel); // stop() ran between the check above and the add
    }

    /** Flushes and removes the handler from every open connection; call before the connections are closed. */
    public void stop() {
        stopped = true;
        for (Channel channel : channels) uninstall(channel);
    }

    private void uninstall(Channel channel) {
        channels.remove(channel);
        ChannelHandler handler = channel.pipeline().get(NAME);
        if (handler == null) return;
        try {
            channel.pipeline().remove(handler); // its handlerRemoved flushes what it held back
        } catch (NoSuchElementException alreadyGone) {
            // removed concurrently (the channel closed): nothing left to flush
        }
    }
}
