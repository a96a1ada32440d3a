package dev.meshwire.peer.meshstate;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Holds the deliveries of a mesh while its replica is not current, in arrival order, and hands them
 * back once it is (docs/protocol.md §6: no {@code deliver} is processed before the {@code mesh_sync} of
 * the connection, so a revocation is known before messages from the revoked key). Bounded: a delivery
 * that does not fit is dropped without an ack, and the coordinator redelivers it after its lease.
 * Thread-safe.
 */
public final class DeliveryGate<T> {
    public static final int DEFAULT_CAPACITY = 1000;
    private final BooleanSupplier open;
    private final int capacity;
    private final ArrayDeque<T> held = new ArrayDeque<>();
    private long dropped;

    public DeliveryGate(BooleanSupplier open, int capacity) {
        this.open = open;
        this.capacity = capacity;
    }

    /** What to do with one arriving delivery. */
    public enum Verdict { PROCESS, HELD, DROPPED }

    /**
     * PROCESS when the replica is current and nothing is held before it; else HELD (kept, in order) or
     * DROPPED (full: not acked, so redelivered later).
     */
    public synchronized Verdict offer(T delivery) {
        if (open.getAsBoolean() && held.isEmpty()) return Verdict.PROCESS;
        if (held.size() >= capacity) {
            dropped++;
            return Verdict.DROPPED;
        }
        held.addLast(delivery);
        return Verdict.HELD;
    }

    /** The held deliveries, oldest first, once the replica is current (empty otherwise). */
    public synchronized List<T> release() {
        if (!open.getAsBoolean() || held.isEmpty()) return List.of();
        List<T> out = new ArrayList<>(held);
        held.clear();
        return out;
    }

    public synchronized int held() { return held.size(); }
    public synchronized long dropped() { return dropped; }

    /** Forgets what is held (the connection ended: the coordinator redelivers unacked deliveries). */
    public synchronized void clear() { held.clear(); }
}
