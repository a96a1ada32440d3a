package dev.meshwire.peer.coordinator;

import java.time.Duration;
import java.util.List;

/**
 * Timing of a {@link CoordinatorLink}. Defaults follow the coordinator's (ping 30 s, dead after
 * 75 s) and the reconnect ladder 1, 2, 4, 8, 16, 30 s (then 30 s forever).
 */
public record LinkSettings(Duration pingInterval, Duration deadAfter, List<Duration> backoff, Duration requestTimeout,
                           Duration connectTimeout) {
    public static final List<Duration> DEFAULT_BACKOFF = List.of(Duration.ofSeconds(1), Duration.ofSeconds(2),
            Duration.ofSeconds(4), Duration.ofSeconds(8), Duration.ofSeconds(16), Duration.ofSeconds(30));

    public static LinkSettings defaults() {
        return new LinkSettings(Duration.ofSeconds(30), Duration.ofSeconds(75), DEFAULT_BACKOFF, Duration.ofSeconds(10),
                Duration.ofSeconds(10));
    }

    public Duration backoffFor(int attempt) {
        return backoff.get(Math.min(attempt, backoff.size() - 1));
    }
}
