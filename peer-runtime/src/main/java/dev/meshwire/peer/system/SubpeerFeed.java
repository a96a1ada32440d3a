package dev.meshwire.peer.system;

import dev.meshwire.peer.events.DaemonEvent;
import dev.meshwire.peer.events.EventBus;
import dev.meshwire.peer.inbox.InboundProcessor;
import dev.meshwire.peer.inbox.Inbox;
import dev.meshwire.peer.inbox.InboxMessage;
import dev.meshwire.peer.meshstate.MeshRoster;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sub-peer joins and leaves as system entries (docs/protocol.md §6.5, §12.5): {@code lk:alice joined the room via
 * alice/livekit}. Unlike mesh-state entries they come from a service's signed presence statement, not from the
 * replicated state: the entry's sender is the service key, {@code eventKind} is {@code subpeer_joined} or
 * {@code subpeer_left}, there is no {@code eventVersion}, and nothing is caught up after a restart (presence is not
 * history: {@code peers} shows who is there now).
 *
 * <p>The roster tells it on the coordinator link's event loop; rows are written on this feed's own thread, in order.
 */
public final class SubpeerFeed implements MeshRoster.SubpeerListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SubpeerFeed.class);
    public static final String JOINED = "subpeer_joined";
    public static final String LEFT = "subpeer_left";
    /** {@code path} of these entries: a service's presence statement. */
    public static final String PATH = "service presence";

    private final Inbox inbox;
    private final EventBus events;
    private final LongSupplier clock;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "subpeer-feed");
        t.setDaemon(true);
        return t;
    });

    public SubpeerFeed(Inbox inbox, EventBus events, LongSupplier clock) {
        this.inbox = inbox;
        this.events = events;
        this.clock = clock;
    }

    @Override
    public void changed(MeshRoster roster, String service, String serviceName, List<String> joined, List<String> left, String why) {
        long at = clock.getAsLong();
        writer.execute(() -> {
            for (String n : joined) store(roster, service, serviceName, JOINED, SystemText.subpeerJoined(n, serviceName), at);
            for (String n : left) store(roster, service, serviceName, LEFT, SystemText.subpeerLeft(n, serviceName, why), at);
        });
    }

    private void store(MeshRoster roster, String service, String serviceName, String kind, String text, long at) {
        try {
            InboxMessage row = new InboxMessage(0, roster.replica().meshId(), roster.replica().meshName(), service, serviceName,
                    "subpeer-" + UUID.randomUUID(), null, InboxMessage.SYSTEM, "next", text, PATH, at, clock.getAsLong(), null, null, null,
                    null, List.of(), kind, null, false);
            InboxMessage stored = inbox.insert(row);
            events.publish(new DaemonEvent(DaemonEvent.SYSTEM, InboundProcessor.item(stored)));
        } catch (RuntimeException e) {
            log.warn("mesh {}: could not list '{}': {}", roster.replica().meshName(), text, e.toString());
        }
    }

    @Override
    public void close() {
        writer.shutdown();
    }
}
