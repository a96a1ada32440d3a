package dev.meshwire.peer.p2p;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The current {@link PeerPath} per peer of one mesh. Thread-safe; written by the engine listener and the direct transport. */
public final class PathTable {
    private final Map<String, PeerPath> paths = new ConcurrentHashMap<>();

    public PeerPath get(String peer) {
        return paths.getOrDefault(peer, PeerPath.none());
    }

    void state(String peer, SessionState state, long now) {
        String s = state.name().toLowerCase(java.util.Locale.ROOT);
        paths.compute(peer, (k, old) -> switch (state) {
            case OPEN -> new PeerPath(old != null && old.path().startsWith("direct") || old != null && old.path().startsWith("turn")
                    ? old.path() : "direct", s, now, null);
            case CONNECTING -> new PeerPath(PeerPath.RELAY, s, old != null && PeerPath.RELAY.equals(old.path()) && old.since() > 0 ? old.since() : now, null);
            default -> new PeerPath(PeerPath.RELAY, s, now, null);
        });
    }

    /** The selected candidate pair is known or changed; a different path name starts a new "since". */
    void pair(String peer, CandidatePair pair, long now) {
        paths.computeIfPresent(peer, (k, old) -> {
            if (!old.direct()) return old;
            String name = PeerPath.name(pair);
            // "direct" alone is the placeholder between channel open and the first stats read: same path, same since.
            long since = name.equals(old.path()) || "direct".equals(old.path()) ? old.since() : now;
            return new PeerPath(name, old.state(), since, old.rttMicros());
        });
    }

    /** Folds one measured round trip into the smoothed RTT (EWMA, 1/8 as TCP's SRTT). */
    public void rtt(String peer, long micros) {
        paths.computeIfPresent(peer, (k, old) -> old.direct() ? new PeerPath(old.path(), old.state(), old.since(),
                old.rttMicros() == null ? micros : (old.rttMicros() * 7 + micros) / 8) : old);
    }

    public void forget(String peer) {
        paths.remove(peer);
    }
}
