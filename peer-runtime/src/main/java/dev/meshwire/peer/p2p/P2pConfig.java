package dev.meshwire.peer.p2p;

import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/**
 * Settings of one {@link P2pEngine}. Immutable; {@link #defaults()} holds the production values and
 * the {@code with*} methods make variants (tests shorten the timers).
 *
 * @param iceServers       STUN/TURN servers from the coordinator; empty = host candidates only
 * @param relayOnly        true forces TURN ({@code iceTransportPolicy=relay}); false lets ICE use every candidate
 * @param disableTcp       true gathers no TCP candidates (TURN over TCP still works through a {@code ?transport=tcp} url)
 * @param candidateFilter  keeps a candidate (its {@code candidate:...} line) only if it returns true; applied to
 *                         local candidates before they are sent and to remote ones before they are added.
 *                         null keeps all. Tests use it to make ICE fail; deployments may drop e.g. IPv6.
 * @param connectTimeout   a session that is not OPEN by then is FAILED (ICE itself gives up after about 15 s)
 * @param idleTimeout      an OPEN session with no message in either direction for this long is closed
 * @param maxLifetime      an OPEN session older than this is closed and, if {@code rehandshake}, a new one started
 * @param rehandshake      start a fresh handshake after {@code maxLifetime} (both sides may; the glare rule settles it)
 * @param retryBase        the first backoff after a FAILED session; doubles per failure up to {@code retryMax}
 * @param retryMax         the longest backoff
 * @param maxMessageBytes  the largest application message accepted for sending and reassembly
 * @param highWatermark    stop handing frames to the channel while its bufferedAmount is above this
 * @param lowWatermark     resume once bufferedAmount is at or below this
 * @param sweepInterval    how often idle/lifetime are checked
 * @param directRetryBase  how long a session may sit on a TURN pair before its offerer closes it and runs ICE again
 *                         for a direct path; doubles per consecutive TURN outcome up to {@code directRetryMax} and
 *                         resets once a direct pair is selected
 * @param directRetryMax   the longest wait between two such retries
 * @param backlog          per session: how many messages and bytes may wait for a peer that does not keep up
 *                         (sends beyond go to the relay) and how long without an ack before it is closed as stalled
 */
public record P2pConfig(
        List<IceServer> iceServers,
        boolean relayOnly,
        boolean disableTcp,
        Predicate<String> candidateFilter,
        Duration connectTimeout,
        Duration idleTimeout,
        Duration maxLifetime,
        boolean rehandshake,
        Duration retryBase,
        Duration retryMax,
        int maxMessageBytes,
        long highWatermark,
        long lowWatermark,
        Duration sweepInterval,
        Duration directRetryBase,
        Duration directRetryMax,
        BacklogLimits backlog) {

    public P2pConfig {
        iceServers = List.copyOf(iceServers);
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(idleTimeout, "idleTimeout");
        requirePositive(maxLifetime, "maxLifetime");
        requirePositive(retryBase, "retryBase");
        requirePositive(retryMax, "retryMax");
        requirePositive(sweepInterval, "sweepInterval");
        requirePositive(directRetryBase, "directRetryBase");
        requirePositive(directRetryMax, "directRetryMax");
        if (backlog == null) throw new IllegalArgumentException("backlog limits are required");
        if (maxMessageBytes < 1) throw new IllegalArgumentException("maxMessageBytes must be positive");
        if (lowWatermark < 0 || highWatermark < lowWatermark) {
            throw new IllegalArgumentException("need 0 <= lowWatermark <= highWatermark");
        }
    }

    /** Production values: host candidates only, 20 s connect, 5 min idle, 1 h lifetime, 64 MiB messages, {@link BacklogLimits#defaults()}. */
    public static P2pConfig defaults() {
        return new P2pConfig(List.of(), false, true, null,
                Duration.ofSeconds(20), Duration.ofMinutes(5), Duration.ofHours(1), true,
                Duration.ofSeconds(5), Duration.ofMinutes(5),
                64 << 20, 8L << 20, 1L << 20, Duration.ofSeconds(10),
                Duration.ofSeconds(10), Duration.ofMinutes(10), BacklogLimits.defaults());
    }

    public P2pConfig withIceServers(List<IceServer> servers, boolean relayOnly) {
        return new P2pConfig(servers, relayOnly, disableTcp, candidateFilter, connectTimeout, idleTimeout, maxLifetime,
                rehandshake, retryBase, retryMax, maxMessageBytes, highWatermark, lowWatermark, sweepInterval, directRetryBase, directRetryMax, backlog);
    }

    public P2pConfig withDisableTcp(boolean disable) {
        return new P2pConfig(iceServers, relayOnly, disable, candidateFilter, connectTimeout, idleTimeout, maxLifetime,
                rehandshake, retryBase, retryMax, maxMessageBytes, highWatermark, lowWatermark, sweepInterval, directRetryBase, directRetryMax, backlog);
    }

    public P2pConfig withCandidateFilter(Predicate<String> filter) {
        return new P2pConfig(iceServers, relayOnly, disableTcp, filter, connectTimeout, idleTimeout, maxLifetime,
                rehandshake, retryBase, retryMax, maxMessageBytes, highWatermark, lowWatermark, sweepInterval, directRetryBase, directRetryMax, backlog);
    }

    public P2pConfig withTimers(Duration connect, Duration idle, Duration lifetime, Duration sweep) {
        return new P2pConfig(iceServers, relayOnly, disableTcp, candidateFilter, connect, idle, lifetime,
                rehandshake, retryBase, retryMax, maxMessageBytes, highWatermark, lowWatermark, sweep, directRetryBase, directRetryMax, backlog);
    }

    public P2pConfig withRetry(Duration base, Duration max) {
        return new P2pConfig(iceServers, relayOnly, disableTcp, candidateFilter, connectTimeout, idleTimeout, maxLifetime,
                rehandshake, base, max, maxMessageBytes, highWatermark, lowWatermark, sweepInterval, directRetryBase, directRetryMax, backlog);
    }

    public P2pConfig withRehandshake(boolean on) {
        return new P2pConfig(iceServers, relayOnly, disableTcp, candidateFilter, connectTimeout, idleTimeout, maxLifetime,
                on, retryBase, retryMax, maxMessageBytes, highWatermark, lowWatermark, sweepInterval, directRetryBase, directRetryMax, backlog);
    }

    public P2pConfig withLimits(int maxMessage, long high, long low) {
        return new P2pConfig(iceServers, relayOnly, disableTcp, candidateFilter, connectTimeout, idleTimeout, maxLifetime,
                rehandshake, retryBase, retryMax, maxMessage, high, low, sweepInterval, directRetryBase, directRetryMax, backlog);
    }

    public P2pConfig withDirectRetry(Duration base, Duration max) {
        return new P2pConfig(iceServers, relayOnly, disableTcp, candidateFilter, connectTimeout, idleTimeout, maxLifetime,
                rehandshake, retryBase, retryMax, maxMessageBytes, highWatermark, lowWatermark, sweepInterval, base, max, backlog);
    }

    public P2pConfig withBacklog(BacklogLimits limits) {
        return new P2pConfig(iceServers, relayOnly, disableTcp, candidateFilter, connectTimeout, idleTimeout, maxLifetime,
                rehandshake, retryBase, retryMax, maxMessageBytes, highWatermark, lowWatermark, sweepInterval, directRetryBase, directRetryMax, limits);
    }

    private static void requirePositive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) throw new IllegalArgumentException(name + " must be positive");
    }
}
