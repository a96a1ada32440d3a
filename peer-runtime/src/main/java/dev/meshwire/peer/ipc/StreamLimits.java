package dev.meshwire.peer.ipc;

import java.time.Duration;

/**
 * Bounds of the {@code GET /v1/events} streams (docs/ipc.md). Bytes are SSE text the daemon has handed to
 * a stream's connection and the connection has not yet written to its socket: what a client that does not
 * read makes the daemon hold.
 *
 * @param maxStreams     concurrent streams; one more gets 429 {@code too_many_streams}
 * @param highWaterBytes a stream holding more than this for {@code grace} is closed as a slow consumer
 * @param grace          how long a stream may stay above {@code highWaterBytes}
 * @param maxQueuedBytes a stream that would hold more than this is closed at once (the event is not queued)
 */
public record StreamLimits(int maxStreams, long highWaterBytes, Duration grace, long maxQueuedBytes) {
    public StreamLimits {
        if (maxStreams < 1) throw new IllegalArgumentException("maxStreams must be positive");
        if (highWaterBytes < 1 || maxQueuedBytes < highWaterBytes) {
            throw new IllegalArgumentException("need 1 <= highWaterBytes <= maxQueuedBytes");
        }
        if (grace == null || grace.isNegative()) throw new IllegalArgumentException("grace must not be negative");
    }

    /** 32 streams, 256 KiB for 10 s, 4 MiB at most. */
    public static StreamLimits defaults() {
        return new StreamLimits(32, 256 * 1024, Duration.ofSeconds(10), 4L << 20);
    }
}
