package dev.meshwire.cli;

import dev.meshwire.peer.ipc.IpcClient;
import dev.meshwire.peer.ipc.api.InboxItem;
import dev.meshwire.peer.ipc.api.InboxQuery;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Which inbox rows (messages and system entries alike: they share one id sequence) {@code watch} has shown, so that it shows each exactly once across event streams and daemon
 * restarts: the stream's {@code message} events and the inbox read after each reconnect ({@link #missed}) overlap,
 * and both carry the inbox id. Messages stored before watch started (ids up to the floor) are never shown.
 */
final class InboxCursor {
    /** How many inbox rows a catch-up reads at most (the newest ones). */
    static final int CATCH_UP_LIMIT = 1000;
    private static final int REMEMBER = 10_000;

    private final long floor;
    private final TreeSet<Long> shown = new TreeSet<>();

    private InboxCursor(long floor) {
        this.floor = floor;
    }

    /** Starts after the newest message now in the inbox (nothing older is shown). */
    static InboxCursor startingNow(IpcClient c) {
        long newest = 0;
        for (InboxItem m : c.inbox(new InboxQuery(null, 1, false, true, "all")).items()) newest = Math.max(newest, m.id());
        return new InboxCursor(newest);
    }

    /** True (and remembered) if the message with this inbox id is new to this watch. */
    boolean firstSight(long id) {
        if (id <= floor || !shown.add(id)) return false;
        if (shown.size() > REMEMBER) shown.pollFirst();
        return true;
    }

    /**
     * The messages stored since watch started that it has not shown yet, oldest first (read with {@code peek}, so they
     * stay unread), each remembered as shown.
     */
    List<InboxItem> missed(IpcClient c) {
        List<InboxItem> out = new ArrayList<>();
        for (InboxItem m : c.inbox(new InboxQuery(null, CATCH_UP_LIMIT, false, true, "all")).items()) {
            if (firstSight(m.id())) out.add(m);
        }
        return out;
    }
}
