package dev.meshwire.livekit.room;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** A {@link RoomListener} that records everything, with waits on conditions (no fixed sleeps). */
final class Recorder implements RoomListener {
    final List<String> events = new ArrayList<>();
    final List<RoomData> data = new ArrayList<>();

    @Override
    public synchronized void onConnected(String selfSid, List<RoomParticipant> others) {
        events.add("connected");
        notifyAll();
    }

    @Override
    public synchronized void onParticipantJoined(RoomParticipant p) {
        events.add("joined " + p.identity());
        notifyAll();
    }

    @Override
    public synchronized void onParticipantLeft(RoomParticipant p) {
        events.add("left " + p.identity());
        notifyAll();
    }

    @Override
    public synchronized void onData(RoomData d) {
        data.add(d);
        notifyAll();
    }

    @Override
    public synchronized void onDisconnected(String reason, boolean willRetry) {
        events.add("disconnected " + willRetry + " " + reason);
        notifyAll();
    }

    synchronized List<String> texts() {
        return data.stream().map(d -> new String(d.payload(), StandardCharsets.UTF_8)).toList();
    }

    synchronized List<String> events() {
        return List.copyOf(events);
    }

    /** Waits until an event equal to {@code event} was recorded. */
    void awaitEvent(String event, Duration within) throws InterruptedException {
        await(r -> r.events.contains(event), within, "event '" + event + "'");
    }

    /** Waits until a packet with text {@code text} arrived, and returns it. */
    RoomData awaitText(String text, Duration within) throws InterruptedException {
        await(r -> r.texts().contains(text), within, "data '" + text + "'");
        synchronized (this) {
            return data.stream().filter(d -> new String(d.payload(), StandardCharsets.UTF_8).equals(text)).findFirst().orElseThrow();
        }
    }

    synchronized void await(Predicate<Recorder> condition, Duration within, String what) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.test(this)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) throw new AssertionError("timed out waiting for " + what + "; events " + events + ", data " + texts());
            wait(Math.max(1, left / 1_000_000));
        }
    }
}
