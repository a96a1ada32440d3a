package dev.meshwire.peer.p2p;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/** Records everything an engine reports, for assertions; waits on conditions with deadlines. */
final class Recorder implements P2pListener {
    record Msg(String peer, byte[] bytes) {}

    record StateEvent(String peer, String sessionId, SessionState state, String reason) {}

    record Refusal(String from, String frameType, String reason) {}

    final List<Msg> messages = new CopyOnWriteArrayList<>();
    final List<StateEvent> states = new CopyOnWriteArrayList<>();
    final List<Unacked> unacked = new CopyOnWriteArrayList<>();
    final List<Refusal> refused = new CopyOnWriteArrayList<>();
    final List<CandidatePair> paths = new CopyOnWriteArrayList<>();
    final List<Refusal> framesRefused = new CopyOnWriteArrayList<>();
    volatile java.util.function.BiConsumer<String, byte[]> onMessage;
    /** False keeps only the count (benchmarks move gigabytes). */
    volatile boolean keepMessages = true;
    final java.util.concurrent.atomic.AtomicInteger received = new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public void onMessage(String peer, byte[] message) {
        if (keepMessages) messages.add(new Msg(peer, message));
        received.incrementAndGet();
        var h = onMessage;
        if (h != null) h.accept(peer, message);
    }

    @Override
    public void onStateChange(String peer, String sessionId, SessionState state, String reason) {
        states.add(new StateEvent(peer, sessionId, state, reason));
    }

    @Override
    public void onUnacked(String peer, List<Unacked> list) {
        unacked.addAll(list);
    }

    @Override
    public void onPath(String peer, String sessionId, CandidatePair pair) {
        paths.add(pair);
    }

    @Override
    public void onSignalRefused(String from, String frameType, String reason) {
        refused.add(new Refusal(from, frameType, reason));
    }

    @Override
    public void onFrameRefused(String peer, String reason) {
        framesRefused.add(new Refusal(peer, "data", reason));
    }

    long count(SessionState s) {
        return states.stream().filter(e -> e.state() == s).count();
    }

    StateEvent last(SessionState s) {
        StateEvent out = null;
        for (StateEvent e : states) if (e.state() == s) out = e;
        return out;
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for: " + what);
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }
}
