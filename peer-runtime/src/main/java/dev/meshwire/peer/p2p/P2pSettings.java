package dev.meshwire.peer.p2p;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * The daemon's p2p settings.
 *
 * @param mode          auto | off | force (config {@code p2p.mode}, env {@code MESHWIRE_P2P})
 * @param warm          peers (public key hex or display name, any mesh) connected eagerly when they come
 *                      online instead of on first traffic (config {@code p2p.warm})
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
     * Applies the environment-only test hooks {@code MESHWIRE_TEST_P2P_NO_CANDIDATES=1} (drop every ICE candidate: ICE
     * cannot succeed), {@code MESHWIRE_TEST_P2P_RETRY=<ms>} (first retry backoff; default 5 s) and
     * {@code MESHWIRE_TEST_P2P_CONNECT_TIMEOUT=<ms>}. The user settings (mode, warm peers, ICE policy) are resolved
     * by {@code dev.meshwire.peer.config.DaemonConfig}.
     */
    public P2pSettings withTestHooks(Map<String, String> env) {
        P2pSettings s = this;
        if ("1".equals(env.get("MESHWIRE_TEST_P2P_NO_CANDIDATES"))) s = s.withEngine(s.engine().withCandidateFilter(line -> false));
        String v = env.get("MESHWIRE_TEST_P2P_RETRY");
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
}
