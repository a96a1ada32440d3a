package dev.meshwire.peer.p2p;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * The daemon's p2p settings.
 *
 * @param mode          auto | off | force (env {@code MESHWIRE_P2P})
 * @param warm          peers (public key hex or display name, any mesh) connected eagerly when they come
 *                      online instead of on first traffic (env {@code MESHWIRE_P2P_WARM}, comma separated)
 * @param engine        engine settings; the ICE servers are replaced by each {@code hello_ack}'s
 * @param directTimeout a direct send not acked within this long is resent via the relay
 */
public record P2pSettings(P2pMode mode, Set<String> warm, P2pConfig engine, Duration directTimeout) {
    public P2pSettings {
        warm = Set.copyOf(warm);
    }

    public static P2pSettings defaults() {
        return new P2pSettings(P2pMode.AUTO, Set.of(), P2pConfig.defaults(), Duration.ofSeconds(60));
    }

    public P2pSettings withMode(P2pMode m) {
        return new P2pSettings(m, warm, engine, directTimeout);
    }

    public P2pSettings withWarm(Set<String> w) {
        return new P2pSettings(mode, w, engine, directTimeout);
    }

    public P2pSettings withEngine(P2pConfig c) {
        return new P2pSettings(mode, warm, c, directTimeout);
    }

    /**
     * Applies {@code MESHWIRE_P2P}, {@code MESHWIRE_P2P_WARM}, {@code MESHWIRE_P2P_ICE_POLICY} ({@code all}: every
     * candidate, the default; {@code relay}: TURN relay candidates only, {@code iceTransportPolicy=relay}, for networks
     * where direct paths must not be used or to prove a TURN server works) and the test hooks
     * {@code MESHWIRE_TEST_P2P_NO_CANDIDATES=1} (drop every ICE candidate: ICE cannot succeed) and
     * {@code MESHWIRE_TEST_P2P_RETRY=<ms>} (first retry backoff; default 5 s).
     */
    public P2pSettings withEnvironment(Map<String, String> env) {
        P2pSettings s = this;
        String v = env.get("MESHWIRE_P2P");
        if (v != null && !v.isBlank()) s = s.withMode(P2pMode.parse(v));
        v = env.get("MESHWIRE_P2P_WARM");
        if (v != null && !v.isBlank()) {
            s = s.withWarm(Set.of(java.util.Arrays.stream(v.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toArray(String[]::new)));
        }
        v = env.get("MESHWIRE_P2P_ICE_POLICY");
        if (v != null && !v.isBlank()) s = s.withEngine(s.engine().withIceServers(s.engine().iceServers(), relayOnly(v)));
        if ("1".equals(env.get("MESHWIRE_TEST_P2P_NO_CANDIDATES"))) s = s.withEngine(s.engine().withCandidateFilter(line -> false));
        v = env.get("MESHWIRE_TEST_P2P_RETRY");
        if (v != null && !v.isBlank()) {
            Duration base = Duration.ofMillis(Long.parseLong(v.trim()));
            s = s.withEngine(s.engine().withRetry(base, base.multipliedBy(4)));
        }
        v = env.get("MESHWIRE_TEST_P2P_CONNECT_TIMEOUT");
        if (v != null && !v.isBlank()) {
            P2pConfig c = s.engine();
            s = s.withEngine(c.withTimers(Duration.ofMillis(Long.parseLong(v.trim())), c.idleTimeout(), c.maxLifetime(), c.sweepInterval()));
        }
        return s;
    }

    /** {@code all} → false, {@code relay} → true. */
    static boolean relayOnly(String policy) {
        return switch (policy.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "all" -> false;
            case "relay" -> true;
            default -> throw new IllegalArgumentException("MESHWIRE_P2P_ICE_POLICY must be all or relay (got '" + policy.trim() + "')");
        };
    }
}
