package dev.meshwire.peer.p2p;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * A stand-in for the coordinator: delivers signals between engines in one JVM, on one thread, in
 * send order (the ordering the real WebSocket gives). Tests can hold delivery (to force glare), drop
 * everything (to cut signaling) or rewrite messages in transit (to play a malicious coordinator).
 */
final class InMemorySignaling implements AutoCloseable {
    private final Map<String, Consumer<P2pSignal>> receivers = new ConcurrentHashMap<>();
    private final ExecutorService wire = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "test-signaling");
        t.setDaemon(true);
        return t;
    });
    private final List<P2pSignal> held = new ArrayList<>();
    final List<P2pSignal> sent = java.util.Collections.synchronizedList(new ArrayList<>());
    private boolean holding;
    volatile boolean dropAll;
    /** Rewrites a message in transit; returning null drops it. */
    volatile UnaryOperator<P2pSignal> tamper = UnaryOperator.identity();

    SignalingChannel endpoint(String pubkey) {
        return new SignalingChannel() {
            @Override
            public void send(P2pSignal message) {
                sent.add(message);
                synchronized (InMemorySignaling.this) {
                    if (holding) {
                        held.add(message);
                        return;
                    }
                }
                wire.execute(() -> deliver(message));
            }

            @Override
            public void setReceiver(Consumer<P2pSignal> receiver) {
                receivers.put(pubkey, receiver);
            }
        };
    }

    synchronized void hold() {
        holding = true;
    }

    void release() {
        List<P2pSignal> out;
        synchronized (this) {
            holding = false;
            out = new ArrayList<>(held);
            held.clear();
        }
        for (P2pSignal m : out) wire.execute(() -> deliver(m));
    }

    private void deliver(P2pSignal m) {
        if (dropAll) return;
        P2pSignal t = tamper.apply(m);
        if (t == null) return;
        Consumer<P2pSignal> r = receivers.get(t.to());
        if (r != null) r.accept(t);
    }

    @Override
    public void close() {
        wire.shutdownNow();
    }
}
