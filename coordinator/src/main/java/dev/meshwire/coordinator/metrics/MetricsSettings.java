package dev.meshwire.coordinator.metrics;

/**
 * Where {@code /metrics} is served and who may read it.
 *
 * @param listenHost interface of a listener that serves {@code /metrics} alone; null serves it on the main port (and the
 *                   health listener, if any) instead. With a listener of its own, no other port answers {@code /metrics}.
 * @param listenPort that listener's TCP port (0 picks a free one); ignored when {@code listenHost} is null
 * @param token      when not null, every {@code /metrics} answers only requests with {@code Authorization: Bearer <token>}
 *                   (401 otherwise); null leaves it open
 */
public record MetricsSettings(String listenHost, int listenPort, String token) {
    public MetricsSettings {
        if (listenHost != null && (listenPort < 0 || listenPort > 65535)) {
            throw new IllegalArgumentException("metrics port must be 0..65535 (got " + listenPort + ")");
        }
        if (token != null && token.isBlank()) throw new IllegalArgumentException("the metrics token is empty");
    }

    /** {@code /metrics} open, on the main port. */
    public static MetricsSettings defaults() {
        return new MetricsSettings(null, 0, null);
    }

    /** Whether {@code /metrics} has a listener of its own. */
    public boolean separateListener() {
        return listenHost != null;
    }

    public MetricsSettings withListener(String host, int port) {
        return new MetricsSettings(host, port, token);
    }

    public MetricsSettings withToken(String t) {
        return new MetricsSettings(listenHost, listenPort, t);
    }
}
