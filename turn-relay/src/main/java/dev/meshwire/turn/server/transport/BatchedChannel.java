package dev.meshwire.turn.server.transport;

import io.netty.channel.Channel;

/**
 * A channel whose writes are flushed once per read burst instead of once per packet: the write marks it dirty in the
 * {@link FlushBatch}, and the read-complete of whichever channel produced the burst flushes it. One flush per burst
 * is what lets NIO hand the kernel a run of datagrams per wake-up. Event-loop only.
 */
public final class BatchedChannel {
    final Channel channel;
    private final FlushBatch batch;
    boolean dirty;

    public BatchedChannel(Channel channel, FlushBatch batch) {
        this.channel = channel;
        this.batch = batch;
    }

    public Channel channel() {
        return channel;
    }

    /** Queues {@code msg} (ownership passes to Netty) and schedules a flush at the end of the current burst. */
    public void write(Object msg) {
        channel.write(msg, channel.voidPromise());
        batch.mark(this);
    }

    /** Whether the channel's outbound buffer has room: data (not responses) is dropped when it has not. */
    public boolean writable() {
        return channel.isWritable();
    }
}
