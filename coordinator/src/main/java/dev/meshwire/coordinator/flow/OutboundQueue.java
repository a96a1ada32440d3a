package dev.meshwire.coordinator.flow;

import dev.meshwire.coordinator.metrics.CoordinatorMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketBase;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The outbound side of one WebSocket: every text frame written to it is counted (bytes and frames) from
 * the write until the socket has taken it (the write's future completes), so the coordinator knows what it
 * holds for a reader that does not keep up.
 *
 * <ul>
 *   <li>Above the high-water mark, <em>lossy</em> frames (WebRTC signalling: a lost one only makes a
 *       handshake time out) are dropped and counted; everything else is written.</li>
 *   <li>A connection above the mark for {@link FlowLimits#slowConsumerGrace()}, or whose next frame would
 *       pass the hard cap, is reported once as a slow consumer (the session closes it with 4008) and takes
 *       no more frames.</li>
 *   <li>{@link #room()} and {@link #whenRoom(Runnable)} let the delivery pump push only while the
 *       connection is below the mark; what it does not push stays in the durable queue.</li>
 * </ul>
 *
 * <p>Sizes are counted in UTF-16 chars of the JSON text: coordinator frames are ASCII apart from
 * member-chosen names, so this is a close and cheap estimate of the bytes on the wire. Runs on the
 * coordinator's event loop (no locks); the write futures complete on the same context.
 */
public final class OutboundQueue {
    private final WebSocketBase ws;
    private final Vertx vertx;
    private final FlowLimits limits;
    private final CoordinatorMetrics metrics;
    private final Consumer<String> onSlowConsumer;
    private final List<Runnable> roomWaiters = new ArrayList<>(1);
    private long bytes;
    private int frames;
    private long graceTimer = -1;
    private boolean stopped;

    /** {@code onSlowConsumer} gets a human-readable reason, at most once. */
    public OutboundQueue(WebSocketBase ws, Vertx vertx, FlowLimits limits, CoordinatorMetrics metrics, Consumer<String> onSlowConsumer) {
        this.ws = ws;
        this.vertx = vertx;
        this.limits = limits;
        this.metrics = metrics;
        this.onSlowConsumer = onSlowConsumer;
    }

    /**
     * Writes one text frame of {@code type} (a frame type, for the dropped-frames counter). Returns false
     * when the frame was not written: dropped because it is lossy and the connection is above the mark, or
     * refused because the connection is (now) a slow consumer.
     */
    public boolean write(String type, String text, boolean lossy) {
        if (stopped) return false;
        if (lossy && aboveMark()) {
            metrics.outboundDropped(type);
            return false;
        }
        long size = text.length();
        // One frame on an idle connection always goes out, however large (a big mesh_sync must not close it).
        if (frames > 0 && (bytes + size > limits.hardCapBytes() || frames + 1 > limits.hardCapFrames())) {
            slowConsumer("outbound queue reached its hard cap (" + bytes + " bytes, " + frames + " frames unread)");
            return false;
        }
        bytes += size;
        frames++;
        metrics.outboundQueued(size);
        ws.writeTextMessage(text).onComplete(ar -> taken(size));
        if (graceTimer < 0 && aboveMark() && !stopped) {
            graceTimer = vertx.setTimer(Math.max(1, limits.slowConsumerGrace().toMillis()), id -> {
                graceTimer = -1;
                if (aboveMark()) {
                    slowConsumer("outbound queue above its high-water mark for " + limits.slowConsumerGrace().toMillis() + " ms ("
                            + bytes + " bytes, " + frames + " frames unread)");
                }
            });
        }
        return true;
    }

    /** Bytes that may be queued now without passing the high-water mark; 0 while above it (bytes or frames). */
    public long room() {
        if (stopped || aboveMark()) return 0;
        return limits.highWaterBytes() - bytes;
    }

    /** Runs {@code r} once, when the queue has drained to half the high-water mark (bytes and frames). */
    public void whenRoom(Runnable r) {
        if (stopped) return;
        if (lowWater()) {
            vertx.runOnContext(v -> r.run());
        } else {
            roomWaiters.add(r);
        }
    }

    public long queuedBytes() {
        return bytes;
    }

    public int queuedFrames() {
        return frames;
    }

    /** The connection is closing: no more writes, no more callbacks. Frames already written are still counted off. */
    public void stop() {
        stopped = true;
        roomWaiters.clear();
        if (graceTimer >= 0) {
            vertx.cancelTimer(graceTimer);
            graceTimer = -1;
        }
    }

    /** At or above the mark: {@link #room()} is 0 exactly then. */
    private boolean aboveMark() {
        return bytes >= limits.highWaterBytes() || frames >= limits.highWaterFrames();
    }

    private boolean lowWater() {
        return bytes <= limits.highWaterBytes() / 2 && frames <= limits.highWaterFrames() / 2;
    }

    /** The socket took (or, on close, failed) one frame. */
    private void taken(long size) {
        bytes -= size;
        frames--;
        metrics.outboundQueued(-size);
        if (stopped) return;
        if (graceTimer >= 0 && !aboveMark()) {
            vertx.cancelTimer(graceTimer);
            graceTimer = -1;
        }
        if (!roomWaiters.isEmpty() && lowWater()) {
            List<Runnable> waiting = List.copyOf(roomWaiters);
            roomWaiters.clear();
            waiting.forEach(Runnable::run);
        }
    }

    private void slowConsumer(String reason) {
        if (stopped) return;
        stop();
        metrics.slowConsumerClosed();
        onSlowConsumer.accept(reason);
    }
}
