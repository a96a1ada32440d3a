package dev.meshwire.coordinator.admission;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.time.Duration;

/**
 * Who may hold a connection to the coordinator before proving an identity, and for how long.
 *
 * <p>A connection is <em>unauthenticated</em> from the TCP accept until its WebSocket's {@code hello}/{@code join}
 * is accepted; a plain HTTP connection stays unauthenticated while it is open. Those connections are what a
 * stranger can open for free, so they are bounded in number (in total and per source address) and in time.
 *
 * @param requestTimeout         from accept (or the end of the previous answer's request) until a request's
 *                               headers have arrived, and from the headers until it is answered (body included)
 * @param idleTimeout            a keep-alive HTTP connection with no request for this long is closed
 * @param authTimeout            from the WebSocket upgrade until {@code hello}/{@code join} is accepted
 * @param maxUnauthenticated     unauthenticated connections on the main port, all addresses together
 * @param maxPerAddress          unauthenticated connections from one source address (IPv6: one /64)
 * @param healthHost             interface of the separate health listener; null for none
 * @param healthPort             its TCP port (0 picks a free one); ignored when {@code healthHost} is null
 * @param healthMaxConnections   connections the health listener holds at once
 */
public record AdmissionLimits(Duration requestTimeout, Duration idleTimeout, Duration authTimeout,
                              int maxUnauthenticated, int maxPerAddress,
                              String healthHost, int healthPort, int healthMaxConnections) {
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(15);
    public static final Duration DEFAULT_AUTH_TIMEOUT = Duration.ofSeconds(5);
    public static final int DEFAULT_MAX_PER_ADDRESS = 32;
    public static final int DEFAULT_HEALTH_MAX_CONNECTIONS = 16;
    /** Descriptors kept for the JVM itself (jar files, the database, epoll, the listeners) and for authenticated members' headroom. */
    static final long RESERVED_DESCRIPTORS = 128;
    static final int MIN_UNAUTHENTICATED = 16;
    static final int MAX_DERIVED_UNAUTHENTICATED = 4096;
    /** Assumed when the JVM cannot tell (not a Unix): the most common soft limit. */
    static final long FALLBACK_DESCRIPTOR_LIMIT = 1024;

    public AdmissionLimits {
        positive(requestTimeout, "requestTimeout");
        positive(idleTimeout, "idleTimeout");
        positive(authTimeout, "authTimeout");
        if (maxUnauthenticated < 1) throw new IllegalArgumentException("maxUnauthenticated must be at least 1 (got " + maxUnauthenticated + ")");
        if (maxPerAddress < 1) throw new IllegalArgumentException("maxPerAddress must be at least 1 (got " + maxPerAddress + ")");
        if (healthMaxConnections < 1) {
            throw new IllegalArgumentException("healthMaxConnections must be at least 1 (got " + healthMaxConnections + ")");
        }
    }

    /** Every limit by a stable name (shown in /metrics as {@code meshwire_limit{name}}, next to the flow limits). */
    public java.util.Map<String, Double> named() {
        java.util.Map<String, Double> m = new java.util.LinkedHashMap<>();
        m.put("request_timeout_seconds", requestTimeout.toMillis() / 1000.0);
        m.put("idle_timeout_seconds", idleTimeout.toMillis() / 1000.0);
        m.put("auth_timeout_seconds", authTimeout.toMillis() / 1000.0);
        m.put("max_unauthenticated", (double) maxUnauthenticated);
        m.put("max_unauthenticated_per_address", (double) maxPerAddress);
        m.put("health_max_connections", (double) healthMaxConnections);
        return m;
    }

    private static void positive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) throw new IllegalArgumentException(name + " must be a positive duration (got " + d + ")");
    }

    /** The defaults, with the total derived from this process's descriptor limit ({@link #derivedMaxUnauthenticated}). */
    public static AdmissionLimits defaults() {
        return new AdmissionLimits(DEFAULT_REQUEST_TIMEOUT, DEFAULT_IDLE_TIMEOUT, DEFAULT_AUTH_TIMEOUT,
                derivedMaxUnauthenticated(descriptorLimit()), DEFAULT_MAX_PER_ADDRESS, null, 0, DEFAULT_HEALTH_MAX_CONNECTIONS);
    }

    /**
     * An eighth of the descriptors left after {@link #RESERVED_DESCRIPTORS}, between 16 and 4096: 112 for the
     * common limit of 1024. The rest stays for authenticated members and for sockets the kernel has handed over
     * but the coordinator has not refused yet: under a flood Netty's acceptor thread can run several hundred
     * connections ahead of the event loop that refuses them, and reaching "too many open files" would stop the
     * accept loop for everyone.
     */
    public static int derivedMaxUnauthenticated(long descriptorLimit) {
        long eighth = (descriptorLimit - RESERVED_DESCRIPTORS) / 8;
        return (int) Math.max(MIN_UNAUTHENTICATED, Math.min(MAX_DERIVED_UNAUTHENTICATED, eighth));
    }

    /** The process's open-file limit, or 1024 when the platform does not say. */
    public static long descriptorLimit() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            long max = unix.getMaxFileDescriptorCount();
            if (max > 0) return max;
        }
        return FALLBACK_DESCRIPTOR_LIMIT;
    }

    public AdmissionLimits withTimeouts(Duration request, Duration idle, Duration auth) {
        return new AdmissionLimits(request, idle, auth, maxUnauthenticated, maxPerAddress, healthHost, healthPort, healthMaxConnections);
    }

    public AdmissionLimits withBudget(int total, int perAddress) {
        return new AdmissionLimits(requestTimeout, idleTimeout, authTimeout, total, perAddress, healthHost, healthPort, healthMaxConnections);
    }

    public AdmissionLimits withHealthListener(String host, int port, int maxConnections) {
        return new AdmissionLimits(requestTimeout, idleTimeout, authTimeout, maxUnauthenticated, maxPerAddress, host, port, maxConnections);
    }

    /** The main port's budget. */
    Budget mainBudget() {
        return new Budget("main", maxUnauthenticated, Math.min(maxPerAddress, maxUnauthenticated));
    }

    /** The health listener's budget: its own small pool, no per-address split (monitoring usually comes from one host). */
    Budget healthBudget() {
        return new Budget("health", healthMaxConnections, healthMaxConnections);
    }

    /** The metrics listener's budget ({@code --metrics-listen}): the same small pool as the health listener, counted apart. */
    Budget metricsBudget() {
        return new Budget("metrics", healthMaxConnections, healthMaxConnections);
    }

    /** How many connections one listener may hold before they authenticate. */
    record Budget(String listener, int total, int perAddress) {}
}
