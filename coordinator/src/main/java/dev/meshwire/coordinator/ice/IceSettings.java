package dev.meshwire.coordinator.ice;

import dev.meshwire.turn.TurnConfig;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * What the coordinator runs on its STUN/TURN port and which ICE servers it hands out in {@code hello_ack}. Two
 * independent choices: whether an embedded server runs ({@link #server}), and which TURN server is handed out
 * ({@link #turn}).
 *
 * <table>
 *   <caption>the flag combinations</caption>
 *   <tr><th>flags</th><th>embedded server</th><th>handed out</th></tr>
 *   <tr><td>(none)</td><td>STUN + TURN, secret from the data directory</td>
 *       <td>{@code stun:}, its {@code turn:}/{@code turns:} URLs with REST credentials</td></tr>
 *   <tr><td>{@code --turn-url} + {@code --turn-secret-file}</td><td>STUN only</td><td>{@code stun:}, the external URLs</td></tr>
 *   <tr><td>{@code --no-turn}</td><td>STUN only</td><td>{@code stun:}</td></tr>
 *   <tr><td>{@code --no-stun}</td><td>none</td><td>nothing (the external URLs with {@code --turn-url})</td></tr>
 * </table>
 *
 * @param server        the embedded server's port, relay range, peer policy, quotas and TLS, or null when none runs.
 *                      Its {@link TurnConfig#listenHost()} is replaced by the coordinator's listen host, and its
 *                      {@link TurnConfig#secret()} by the one the coordinator keeps in its data directory
 *                      ({@link TurnMode#EMBEDDED}) or by none (STUN only)
 * @param turn          which TURN server peers get; {@link TurnMode#EMBEDDED} without a {@code server} hands out none
 * @param advertised    which transports of the embedded TURN server get a URL ({@code --turn-transports});
 *                      {@link Transport#TLS} only when {@code server} has TLS
 * @param credentialTtl lifetime of the TURN credentials issued for the embedded server ({@code --turn-ttl})
 * @param external      the TURN server handed out in {@link TurnMode#EXTERNAL} (its own TTL); null otherwise
 */
public record IceSettings(TurnConfig server, TurnMode turn, Set<Transport> advertised, Duration credentialTtl, TurnSettings external) {

    /** Which TURN server peers get. */
    public enum TurnMode {
        /** the embedded server, which then relays (nothing when no server runs) */
        EMBEDDED,
        /** {@link #external}, e.g. a coturn; the embedded server (if any) answers STUN only */
        EXTERNAL,
        /** none; the embedded server (if any) answers STUN only */
        NONE
    }

    /** A transport of the embedded TURN server, as it appears in a URL. */
    public enum Transport {
        UDP, TCP, TLS;

        /** {@code udp}, {@code tcp} or {@code tls}. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** Parses {@code udp}, {@code tcp} or {@code tls} (any case). */
        public static Transport parse(String s) {
            for (Transport t : values()) if (t.label().equalsIgnoreCase(s.trim())) return t;
            throw new IllegalArgumentException("unknown TURN transport '" + s.trim() + "' (use udp, tcp or tls)");
        }
    }

    public IceSettings {
        Objects.requireNonNull(turn, "turn");
        advertised = Set.copyOf(advertised);
        if (credentialTtl == null || credentialTtl.isNegative() || credentialTtl.isZero()) {
            throw new IllegalArgumentException("TURN credential lifetime must be positive");
        }
        if ((turn == TurnMode.EXTERNAL) != (external != null)) {
            throw new IllegalArgumentException("an external TURN server goes with the external mode, and only with it");
        }
        if (turn == TurnMode.EMBEDDED && server != null) {
            if (advertised.stream().noneMatch(t -> t != Transport.TLS || server.tls() != null)) {
                throw new IllegalArgumentException("no TURN transport to advertise (tls needs a TLS port)");
            }
        }
    }

    /** Embedded STUN + TURN on {@link TurnConfig#defaults()} (port 3478), every transport advertised, 12 h credentials. */
    public static IceSettings defaults() {
        return new IceSettings(TurnConfig.defaults(), TurnMode.EMBEDDED, EnumSet.allOf(Transport.class), TurnSettings.DEFAULT_TTL, null);
    }

    /** Whether an embedded server runs and relays (gets the secret) rather than answering Binding only. */
    public boolean embeddedTurn() {
        return turn == TurnMode.EMBEDDED && server != null;
    }

    /** The embedded server with {@code s} (null: none; {@link TurnMode#EMBEDDED} then hands out nothing). */
    public IceSettings withServer(TurnConfig s) {
        return new IceSettings(s, turn, advertised, credentialTtl, external);
    }

    /** The embedded server on {@code port} (0: a free one), with its other settings (the defaults if none ran). */
    public IceSettings withPort(int port) {
        TurnConfig base = server != null ? server : TurnConfig.defaults();
        return withServer(base.toBuilder().listen(base.listenHost(), port).build());
    }

    /** No TURN handed out; the embedded server, if any, answers STUN only ({@code --no-turn}). */
    public IceSettings withoutTurn() {
        return new IceSettings(server, TurnMode.NONE, advertised, credentialTtl, null);
    }

    /** Hands out {@code t} instead of running TURN here; the embedded server, if any, answers STUN only. */
    public IceSettings withExternal(TurnSettings t) {
        return new IceSettings(server, TurnMode.EXTERNAL, advertised, credentialTtl, t);
    }

    public IceSettings withAdvertised(Set<Transport> transports) {
        return new IceSettings(server, turn, transports, credentialTtl, external);
    }

    public IceSettings withCredentialTtl(Duration ttl) {
        return new IceSettings(server, turn, advertised, ttl, external);
    }
}
