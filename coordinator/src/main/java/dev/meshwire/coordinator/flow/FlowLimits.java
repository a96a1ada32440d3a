package dev.meshwire.coordinator.flow;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Limits on what one connection may make the coordinator hold or forward (docs/protocol.md §6.2).
 *
 * <p>Defaults and why:
 * <ul>
 *   <li>high-water mark 4 MiB / 4,096 frames of outbound data written but not yet taken by the socket: the
 *       kernel's send buffer (a few MiB at most) absorbs normal bursts before anything queues in the
 *       coordinator, so a reader that keeps up never gets near it; four of the largest (1 MiB) frames fit.</li>
 *   <li>hard cap 16 MiB / 16,384 frames: four times the mark, so a burst of must-deliver frames (presence,
 *       mesh events) on a briefly slow link does not close it at once, while a few stalled connections
 *       still cannot fill a 256 MiB heap.</li>
 *   <li>grace 10 s above the mark: longer than a TCP retransmission stall on a flaky link, short enough
 *       that a stalled member costs little and reconnects soon.</li>
 *   <li>signalling 200 frames/s per member (burst 400) and 50/s per (sender, recipient) pair (burst 100): a
 *       WebRTC negotiation trickles 10–40 candidates in one burst, and a member negotiating with ten peers
 *       at once stays well inside both buckets.</li>
 * </ul>
 *
 * @param highWaterBytes     queued outbound bytes above which lossy frames are dropped and deliveries wait
 * @param highWaterFrames    the same mark counted in frames (many small frames cost per-frame overhead)
 * @param hardCapBytes       queued outbound bytes at which the connection is closed at once (4008)
 * @param hardCapFrames      the same cap counted in frames
 * @param slowConsumerGrace  how long a connection may stay above the mark before it is closed (4008)
 * @param signalRate         signalling frames per second per member (token refill); 0 disables the member limit
 * @param signalBurst        token-bucket size per member
 * @param signalPairRate     signalling frames per second per (sender, recipient) pair; 0 disables the pair limit
 * @param signalPairBurst    token-bucket size per pair
 */
public record FlowLimits(long highWaterBytes, int highWaterFrames, long hardCapBytes, int hardCapFrames, Duration slowConsumerGrace,
                         double signalRate, long signalBurst, double signalPairRate, long signalPairBurst) {
    public static final long DEFAULT_HIGH_WATER_BYTES = 4L * 1024 * 1024;
    public static final int DEFAULT_HIGH_WATER_FRAMES = 4096;
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(10);

    public FlowLimits {
        if (highWaterBytes < 1 || highWaterFrames < 1) throw new IllegalArgumentException("the outbound high-water mark must be at least 1 byte and 1 frame");
        if (hardCapBytes < highWaterBytes || hardCapFrames < highWaterFrames) {
            throw new IllegalArgumentException("the outbound hard cap (" + hardCapBytes + " bytes, " + hardCapFrames
                    + " frames) must not be below the high-water mark (" + highWaterBytes + " bytes, " + highWaterFrames + " frames)");
        }
        if (slowConsumerGrace == null || slowConsumerGrace.isNegative()) throw new IllegalArgumentException("the slow-consumer grace must be >= 0");
        if (signalRate < 0 || signalPairRate < 0) throw new IllegalArgumentException("signal rates must be >= 0 (0 disables)");
        if (signalBurst < 1 || signalPairBurst < 1) throw new IllegalArgumentException("signal bursts must be at least 1");
    }

    public static FlowLimits defaults() {
        return new FlowLimits(DEFAULT_HIGH_WATER_BYTES, DEFAULT_HIGH_WATER_FRAMES, 4 * DEFAULT_HIGH_WATER_BYTES, 4 * DEFAULT_HIGH_WATER_FRAMES,
                DEFAULT_GRACE, 200, 400, 50, 100);
    }

    /** Every limit by a stable name (shown in /metrics as {@code meshwire_limit{name}}). */
    public Map<String, Double> named() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("outbound_high_water_bytes", (double) highWaterBytes);
        m.put("outbound_high_water_frames", (double) highWaterFrames);
        m.put("outbound_hard_cap_bytes", (double) hardCapBytes);
        m.put("outbound_hard_cap_frames", (double) hardCapFrames);
        m.put("slow_consumer_grace_seconds", slowConsumerGrace.toMillis() / 1000.0);
        m.put("signal_rate_per_member", signalRate);
        m.put("signal_burst_per_member", (double) signalBurst);
        m.put("signal_rate_per_pair", signalPairRate);
        m.put("signal_burst_per_pair", (double) signalPairBurst);
        return m;
    }

    /** A new high-water mark in bytes; the hard cap follows at four times it unless it is already higher. */
    public FlowLimits withHighWater(long bytes, int frames) {
        return new FlowLimits(bytes, frames, Math.max(hardCapBytes, 4 * bytes), Math.max(hardCapFrames, 4 * frames), slowConsumerGrace,
                signalRate, signalBurst, signalPairRate, signalPairBurst);
    }

    public FlowLimits withHardCap(long bytes, int frames) {
        return new FlowLimits(highWaterBytes, highWaterFrames, bytes, frames, slowConsumerGrace, signalRate, signalBurst, signalPairRate, signalPairBurst);
    }

    public FlowLimits withGrace(Duration grace) {
        return new FlowLimits(highWaterBytes, highWaterFrames, hardCapBytes, hardCapFrames, grace, signalRate, signalBurst, signalPairRate, signalPairBurst);
    }

    /** Per-member and per-pair signalling buckets; a rate of 0 disables that bucket. */
    public FlowLimits withSignalRates(double perMember, long memberBurst, double perPair, long pairBurst) {
        return new FlowLimits(highWaterBytes, highWaterFrames, hardCapBytes, hardCapFrames, slowConsumerGrace, perMember, memberBurst, perPair, pairBurst);
    }
}
