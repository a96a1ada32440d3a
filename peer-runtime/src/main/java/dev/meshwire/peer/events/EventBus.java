package dev.meshwire.peer.events;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * In-process fan-out of daemon events (new messages, peer presence, link state) to SSE streams and
 * tests. Deliberately tiny: subscribers must not block, because publish runs on the publisher's
 * thread (often a Vert.x event loop). A throwing subscriber is logged and isolated.
 */
public final class EventBus {
    private static final Logger log = LoggerFactory.getLogger(EventBus.class);
    private final CopyOnWriteArrayList<Consumer<DaemonEvent>> subscribers = new CopyOnWriteArrayList<>();

    public AutoCloseable subscribe(Consumer<DaemonEvent> subscriber) {
        subscribers.add(subscriber);
        return () -> subscribers.remove(subscriber);
    }

    public void publish(DaemonEvent event) {
        for (Consumer<DaemonEvent> s : subscribers) {
            try {
                s.accept(event);
            } catch (RuntimeException e) {
                log.warn("event subscriber failed on {}: {}", event.type(), e.toString());
            }
        }
    }

    public int subscriberCount() {
        return subscribers.size();
    }
}
