package dev.meshwire.turn.server.transport;

import java.util.ArrayList;

/** The channels written during the current read burst; {@link #flushAll()} runs at every channelReadComplete. */
public final class FlushBatch {
    private final ArrayList<BatchedChannel> dirty = new ArrayList<>();

    void mark(BatchedChannel c) {
        if (!c.dirty) {
            c.dirty = true;
            dirty.add(c);
        }
    }

    public void flushAll() {
        for (int i = 0, n = dirty.size(); i < n; i++) {
            BatchedChannel c = dirty.get(i);
            c.dirty = false;
            c.channel.flush();
        }
        dirty.clear();
    }
}
