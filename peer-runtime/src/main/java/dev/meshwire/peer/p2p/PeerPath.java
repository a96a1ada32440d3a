package dev.meshwire.peer.p2p;

/**
 * How messages to one peer travel right now, for {@code meshwire peers} and {@code meshwire ping}.
 *
 * @param path      {@code direct host|srflx|prflx}, {@code turn udp|tcp}, {@code direct} (open, pair not
 *                  known yet) or {@code relay}
 * @param state     the direct session's state ({@code connecting}, {@code open}, {@code failed},
 *                  {@code closed}) or {@code none}
 * @param since     epoch ms when this path (or state) began
 * @param rttMicros smoothed direct round trip (send to channel ack), null if unmeasured
 */
public record PeerPath(String path, String state, long since, Long rttMicros) {
    public static final String RELAY = "coordinator relay";

    public static PeerPath none() {
        return new PeerPath(RELAY, "none", 0, null);
    }

    public boolean direct() {
        return "open".equals(state);
    }

    /** The user-visible name of a candidate pair: {@code direct <type>} or {@code turn <udp|tcp>}. */
    public static String name(CandidatePair pair) {
        if (pair == null) return "direct";
        if ("relay".equals(pair.localType()) || "relay".equals(pair.remoteType())) {
            String proto = "relay".equals(pair.localType()) ? pair.localProtocol() : pair.remoteProtocol();
            return "turn " + (proto == null ? "udp" : proto);
        }
        return pair.pathName();
    }
}
