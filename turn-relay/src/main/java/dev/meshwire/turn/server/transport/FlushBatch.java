package dev.meshwire.turn.server.transport;

import io.netty.channel.EventLoop;
import java.util.ArrayList;

/**
 * The channels written since the event loop last ran its tasks. The first write of a round schedules one flush task;
 * Netty runs tasks after it has processed every ready socket of the round, so the datagrams that one wake-up produced,
 * on every socket, are flushed together rather than once per socket read. Event-loop only.
 */
public final class FlushBatch {
    private final ArrayList<BatchedChannel> dirty = new ArrayList<>();
    private final Runnable flushTask = this::flushAll;
    private EventLoop loop;
    private boolean scheduled;

    /** Set once, before any channel is written. */
    public void loop(EventLoop loop) {
        this.loop = loop;
    }

    void mark(BatchedChannel c) {
        if (!c.dirty) {
            c.dirty = true;
            dirty.add(c);
            if (!scheduled) {
                scheduled = true;
                loop.execute(flushTask);
            }
        }
    }

    public void flushAll() {
        scheduled = false;
        for (int i = 0, n = dirty.size(); i < n; i++) {
            BatchedChannel c = dirty.get(i);
            c.dirty = false;
            c.channel.flush();
        }
        dirty.clear();
    }
}
