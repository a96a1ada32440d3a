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
    private final boolean immediate;
    boolean dirty;

    public BatchedChannel(Channel channel, FlushBatch batch) {
        this(channel, batch, false);
    }

    /**
     * @param immediate flush every write on its own. For TLS: Netty's SslHandler would coalesce a burst of messages
     *                  into one TLS record, and coturn's client reads one message per socket-readable event, so
     *                  it stalls on the rest of a record until more bytes arrive (seen as loss in turnutils_uclient)
     */
    public BatchedChannel(Channel channel, FlushBatch batch, boolean immediate) {
        this.channel = channel;
        this.batch = batch;
        this.immediate = immediate;
    }

    public Channel channel() {
        return channel;
    }

    /** Queues {@code msg} (ownership passes to Netty) and schedules a flush at the end of the current burst. */
    public void write(Object msg) {
        if (immediate) {
            channel.writeAndFlush(msg, channel.voidPromise());
            return;
        }
        channel.write(msg, channel.voidPromise());
        batch.mark(this);
    }

    /** Whether the channel's outbound buffer has room: data (not responses) is dropped when it has not. */
    public boolean writable() {
        return channel.isWritable();
    }
}
