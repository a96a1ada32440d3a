package dev.meshwire.coordinator.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link WriteCoalescing} on a real Netty pipeline (an {@link EmbeddedChannel}, whose event loop runs
 * tasks only when told to, so "the task never ran" is deterministic): a flush outside a read is held until the
 * event loop's next task pass, and {@link WriteCoalescing#stop} lets go of everything held at once — the case that
 * left a connection open forever when the stopping event loop never ran the deferred flush Vert.x's close waits on.
 */
class WriteCoalescingTest {

    @Test
    void flushOutsideAReadWaitsForTheNextTaskPass() {
        EmbeddedChannel channel = new EmbeddedChannel();
        new WriteCoalescing().install(channel);
        ChannelFuture write = channel.pipeline().writeAndFlush(text("ack"));
        assertFalse(write.isDone(), "held back within the task that wrote it");
        channel.runPendingTasks();
        assertTrue(write.isSuccess(), "flushed by the deferred task");
        assertEquals("ack", read(channel));
        channel.finishAndReleaseAll();
    }

    @Test
    void stopFlushesWhatWasHeldWithoutTheEventLoopRunningAgain() {
        EmbeddedChannel channel = new EmbeddedChannel();
        WriteCoalescing coalescing = new WriteCoalescing();
        coalescing.install(channel);
        // What Vert.x does to close a connection: an empty write with a flush, the close once that write completed.
        ChannelFuture closeWrite = channel.pipeline().writeAndFlush(text("close frame"));
        assertFalse(closeWrite.isDone(), "deferred: without stop() it completes only if the loop runs the flush task");
        coalescing.stop();
        assertTrue(closeWrite.isSuccess(), "stop() flushed it, no task run needed");
        assertEquals("close frame", read(channel));
        assertNull(channel.pipeline().get(WriteCoalescing.NAME), "handler taken out of the pipeline");
        channel.finishAndReleaseAll();
    }

    @Test
    void afterStopNewConnectionsFlushAtOnce() {
        WriteCoalescing coalescing = new WriteCoalescing();
        EmbeddedChannel before = new EmbeddedChannel();
        coalescing.install(before);
        assertNotNull(before.pipeline().get(WriteCoalescing.NAME));
        coalescing.stop();
        EmbeddedChannel after = new EmbeddedChannel();
        coalescing.install(after);
        assertNull(after.pipeline().get(WriteCoalescing.NAME));
        assertTrue(after.pipeline().writeAndFlush(text("x")).isSuccess(), "flushed at once");
        assertEquals("x", read(after));
        before.finishAndReleaseAll();
        after.finishAndReleaseAll();
    }

    private static ByteBuf text(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
    }

    private static String read(EmbeddedChannel channel) {
        ByteBuf b = channel.readOutbound();
        assertNotNull(b, "a frame was flushed");
        try {
            return b.toString(StandardCharsets.UTF_8);
        } finally {
            b.release();
        }
    }
}
