package dev.meshwire.peer.meshstate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Deliveries wait for a current replica, keep their order, and overflow is dropped (unacked). */
class DeliveryGateTest {
    @Test
    void holdsInOrderUntilCurrentThenReleases() {
        AtomicBoolean current = new AtomicBoolean(false);
        DeliveryGate<String> g = new DeliveryGate<>(current::get, 3);
        assertEquals(DeliveryGate.Verdict.HELD, g.offer("a"));
        assertEquals(DeliveryGate.Verdict.HELD, g.offer("b"));
        assertEquals(List.of(), g.release(), "nothing is released while not current");
        current.set(true);
        assertEquals(DeliveryGate.Verdict.HELD, g.offer("c"), "queues behind what is held, so order is kept");
        assertEquals(List.of("a", "b", "c"), g.release());
        assertEquals(DeliveryGate.Verdict.PROCESS, g.offer("d"));
    }

    @Test
    void overflowIsDroppedWithoutAck() {
        DeliveryGate<String> g = new DeliveryGate<>(() -> false, 2);
        g.offer("a");
        g.offer("b");
        assertEquals(DeliveryGate.Verdict.DROPPED, g.offer("c"));
        assertEquals(1, g.dropped());
        assertEquals(2, g.held());
        g.clear();
        assertEquals(0, g.held());
    }
}
