package dev.meshwire.peer.coordinator;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Timing of a {@link CoordinatorLink}. Defaults follow the coordinator's (ping 30 s, dead after
 * 75 s) and the reconnect ladder 1, 2, 4, 8, 16, 30 s (then 30 s forever). Each step is a ceiling:
 * the wait is drawn uniformly from [0, ceiling] ("full jitter"), so daemons dropped by one
 * coordinator restart do not come back in lockstep. While a link waits, it probes the coordinator's
 * {@code GET /health} every {@code healthProbe} (jittered ±50 %) and, once a probe has seen the
 * coordinator down, reconnects with the ladder reset as soon as it answers 200 again (a coordinator
 * that is healthy but refuses the socket gets the plain backoff); {@code healthProbe} zero turns the
 * probe off.
 */
public record LinkSettings(Duration pingInterval, Duration deadAfter, List<Duration> backoff, Duration requestTimeout,
                           Duration connectTimeout, Duration healthProbe) {
    public static final List<Duration> DEFAULT_BACKOFF = List.of(Duration.ofSeconds(1), Duration.ofSeconds(2),
            Duration.ofSeconds(4), Duration.ofSeconds(8), Duration.ofSeconds(16), Duration.ofSeconds(30));
    public static final Duration DEFAULT_HEALTH_PROBE = Duration.ofMillis(500);

    /** The settings with the default health probe. */
    public LinkSettings(Duration pingInterval, Duration deadAfter, List<Duration> backoff, Duration requestTimeout,
                        Duration connectTimeout) {
        this(pingInterval, deadAfter, backoff, requestTimeout, connectTimeout, DEFAULT_HEALTH_PROBE);
    }

    public static LinkSettings defaults() {
        return new LinkSettings(Duration.ofSeconds(30), Duration.ofSeconds(75), DEFAULT_BACKOFF, Duration.ofSeconds(10),
                Duration.ofSeconds(10), DEFAULT_HEALTH_PROBE);
    }

    public LinkSettings withHealthProbe(Duration probe) {
        return new LinkSettings(pingInterval, deadAfter, backoff, requestTimeout, connectTimeout, probe);
    }

    /** The ceiling of the {@code attempt}-th wait (0-based): the ladder, then its last step forever. */
    public Duration backoffCeiling(int attempt) {
        return backoff.get(Math.max(0, Math.min(attempt, backoff.size() - 1)));
    }

    /** The {@code attempt}-th wait with full jitter: uniform in [0, {@link #backoffCeiling}]. */
    public Duration backoffFor(int attempt) {
        return backoffFor(attempt, ThreadLocalRandom.current());
    }

    public Duration backoffFor(int attempt, Random random) {
        long ceiling = backoffCeiling(attempt).toMillis();
        return Duration.ofMillis(ceiling <= 0 ? 0 : random.nextLong(ceiling + 1));
    }

    /** The next health-probe delay: {@code healthProbe} jittered to [50 %, 150 %]; zero when off. */
    public long probeDelayMillis(Random random) {
        long base = healthProbe == null ? 0 : healthProbe.toMillis();
        if (base <= 0) return 0;
        return Math.max(1, base / 2 + random.nextLong(base + 1));
    }
}
