package dev.meshwire.turn;

import java.time.Duration;
import java.util.Objects;

/**
 * Everything a {@link TurnServer} is told at start. {@link #defaults()} mirrors coturn's defaults where coturn has
 * one (lifetimes, stale-nonce, relay port range) and is safe where coturn is open (peer policy, quotas).
 *
 * @param listenHost               address the UDP/TCP (and TLS) listeners bind; {@code 0.0.0.0} for all IPv4
 * @param port                     UDP and TCP port, one number for both (0: a free number, the same for both)
 * @param tls                      TURN over TLS, or null for none
 * @param relayHost                address relay sockets bind; null: {@link #listenHost} when that is a concrete
 *                                 address, else the address the client's Allocate arrived on
 * @param externalHost             address put into XOR-RELAYED-ADDRESS when the relay sits behind a 1:1 NAT
 *                                 (coturn {@code external-ip}); null: the relay socket's own address
 * @param minRelayPort             first port of the relay range (inclusive)
 * @param maxRelayPort             last port of the relay range (inclusive)
 * @param realm                    the REALM of the long-term credentials
 * @param secret                   the TURN REST API shared secret; null makes the server STUN-only
 * @param nonceLifetime            a NONCE older than this gets 438 Stale Nonce (coturn {@code stale-nonce}: 600 s)
 * @param defaultAllocationLifetime lifetime when the client asks for none (600 s)
 * @param maxAllocationLifetime    upper bound of a requested lifetime (3600 s)
 * @param permissionLifetime       a permission's lifetime (300 s, fixed by RFC 8656)
 * @param channelLifetime          a channel binding's lifetime (600 s, fixed by RFC 8656)
 * @param maxAllocationsPerUser    live allocations one user id (the part of the REST username after the colon) may
 *                                 hold; the next gets 486 Allocation Quota Reached
 * @param maxAllocations           live allocations in total; the next gets 486
 * @param maxBytesPerSecond        relayed bytes per second per allocation and direction, excess dropped; 0: no cap
 * @param peerPolicy               which peers may be relayed to
 */
public record TurnConfig(String listenHost, int port, TlsSettings tls, String relayHost, String externalHost,
                         int minRelayPort, int maxRelayPort, String realm, String secret, Duration nonceLifetime,
                         Duration defaultAllocationLifetime, Duration maxAllocationLifetime,
                         Duration permissionLifetime, Duration channelLifetime,
                         int maxAllocationsPerUser, int maxAllocations, long maxBytesPerSecond,
                         PeerPolicy peerPolicy) {

    public static final int DEFAULT_PORT = 3478;
    public static final String DEFAULT_REALM = "meshwire";

    public TurnConfig {
        Objects.requireNonNull(listenHost, "listenHost");
        Objects.requireNonNull(realm, "realm");
        Objects.requireNonNull(peerPolicy, "peerPolicy");
        if (port < 0 || port > 65535) throw new IllegalArgumentException("TURN port must be 0..65535 (got " + port + ")");
        if (minRelayPort < 1 || maxRelayPort > 65535 || minRelayPort > maxRelayPort) {
            throw new IllegalArgumentException("relay port range must be within 1..65535 and not empty (got " + minRelayPort + "-" + maxRelayPort + ")");
        }
        if (secret != null && secret.isBlank()) throw new IllegalArgumentException("the TURN secret is empty");
        positive("nonce lifetime", nonceLifetime);
        positive("default allocation lifetime", defaultAllocationLifetime);
        positive("maximum allocation lifetime", maxAllocationLifetime);
        positive("permission lifetime", permissionLifetime);
        positive("channel lifetime", channelLifetime);
        if (defaultAllocationLifetime.compareTo(maxAllocationLifetime) > 0) {
            throw new IllegalArgumentException("default allocation lifetime exceeds the maximum");
        }
        if (maxAllocationsPerUser < 1) throw new IllegalArgumentException("allocations per user must be at least 1");
        if (maxAllocations < 1) throw new IllegalArgumentException("total allocations must be at least 1");
        if (maxBytesPerSecond < 0) throw new IllegalArgumentException("bandwidth cap must not be negative");
    }

    private static void positive(String what, Duration d) {
        if (d == null || d.isZero() || d.isNegative()) throw new IllegalArgumentException(what + " must be positive");
    }

    /** STUN and TURN on 0.0.0.0:3478, no TLS, coturn's lifetimes, safe peer policy, no secret yet (STUN-only). */
    public static TurnConfig defaults() {
        return new TurnConfig("0.0.0.0", DEFAULT_PORT, null, null, null, 49152, 65535, DEFAULT_REALM, null,
                Duration.ofSeconds(600), Duration.ofSeconds(600), Duration.ofSeconds(3600),
                Duration.ofSeconds(300), Duration.ofSeconds(600), 32, 4096, 0, PeerPolicy.safeDefault());
    }

    /** Without a secret no allocation is ever made: Binding only. */
    public boolean stunOnly() {
        return secret == null;
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Changes a few fields of a config; {@link #build()} validates the result. */
    public static final class Builder {
        private String listenHost;
        private int port;
        private TlsSettings tls;
        private String relayHost;
        private String externalHost;
        private int minRelayPort;
        private int maxRelayPort;
        private String realm;
        private String secret;
        private Duration nonceLifetime;
        private Duration defaultAllocationLifetime;
        private Duration maxAllocationLifetime;
        private Duration permissionLifetime;
        private Duration channelLifetime;
        private int maxAllocationsPerUser;
        private int maxAllocations;
        private long maxBytesPerSecond;
        private PeerPolicy peerPolicy;

        private Builder(TurnConfig c) {
            listenHost = c.listenHost;
            port = c.port;
            tls = c.tls;
            relayHost = c.relayHost;
            externalHost = c.externalHost;
            minRelayPort = c.minRelayPort;
            maxRelayPort = c.maxRelayPort;
            realm = c.realm;
            secret = c.secret;
            nonceLifetime = c.nonceLifetime;
            defaultAllocationLifetime = c.defaultAllocationLifetime;
            maxAllocationLifetime = c.maxAllocationLifetime;
            permissionLifetime = c.permissionLifetime;
            channelLifetime = c.channelLifetime;
            maxAllocationsPerUser = c.maxAllocationsPerUser;
            maxAllocations = c.maxAllocations;
            maxBytesPerSecond = c.maxBytesPerSecond;
            peerPolicy = c.peerPolicy;
        }

        public Builder listen(String host, int port) { this.listenHost = host; this.port = port; return this; }
        public Builder tls(TlsSettings tls) { this.tls = tls; return this; }
        public Builder relayHost(String host) { this.relayHost = host; return this; }
        public Builder externalHost(String host) { this.externalHost = host; return this; }
        public Builder relayPorts(int min, int max) { this.minRelayPort = min; this.maxRelayPort = max; return this; }
        public Builder realm(String realm) { this.realm = realm; return this; }
        public Builder secret(String secret) { this.secret = secret; return this; }
        public Builder nonceLifetime(Duration d) { this.nonceLifetime = d; return this; }
        public Builder allocationLifetimes(Duration defaultLifetime, Duration max) {
            this.defaultAllocationLifetime = defaultLifetime;
            this.maxAllocationLifetime = max;
            return this;
        }
        public Builder permissionLifetime(Duration d) { this.permissionLifetime = d; return this; }
        public Builder channelLifetime(Duration d) { this.channelLifetime = d; return this; }
        public Builder quotas(int perUser, int total) { this.maxAllocationsPerUser = perUser; this.maxAllocations = total; return this; }
        public Builder maxBytesPerSecond(long bps) { this.maxBytesPerSecond = bps; return this; }
        public Builder peerPolicy(PeerPolicy p) { this.peerPolicy = p; return this; }

        public TurnConfig build() {
            return new TurnConfig(listenHost, port, tls, relayHost, externalHost, minRelayPort, maxRelayPort, realm, secret,
                    nonceLifetime, defaultAllocationLifetime, maxAllocationLifetime, permissionLifetime, channelLifetime,
                    maxAllocationsPerUser, maxAllocations, maxBytesPerSecond, peerPolicy);
        }
    }
}
