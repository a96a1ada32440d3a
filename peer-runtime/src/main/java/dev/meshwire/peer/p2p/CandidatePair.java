package dev.meshwire.peer.p2p;

/**
 * The ICE candidate pair a session ended up on, read from {@code getStats} once the channel is
 * open. Informational only: under symmetric NAT the stats sometimes show no nominated pair although
 * the channel works, so nothing may depend on it.
 *
 * @param localType      host, srflx, prflx or relay
 * @param localProtocol  udp or tcp; for a local relay candidate, the transport to the TURN server
 *                       (udp, tcp or tls), not the relayed address's
 * @param remoteType     host, srflx, prflx or relay
 * @param remoteProtocol udp or tcp
 */
public record CandidatePair(String localType, String localProtocol, String remoteType, String remoteProtocol) {
    /** True if either end of the pair is a TURN relay candidate. */
    public boolean relayed() {
        return "relay".equals(localType) || "relay".equals(remoteType);
    }

    /** The user-visible path: {@code turn} if either side relays, otherwise {@code direct <type>}. */
    public String pathName() {
        if (relayed()) return "turn";
        // Name the "least direct" side: prflx/srflx say more about the NAT situation than host.
        String t = rank(localType) >= rank(remoteType) ? localType : remoteType;
        return "direct " + t;
    }

    private static int rank(String type) {
        return switch (type == null ? "" : type) {
            case "host" -> 0;
            case "srflx" -> 1;
            case "prflx" -> 2;
            default -> 3;
        };
    }

    @Override
    public String toString() {
        return localType + "/" + localProtocol + " <-> " + remoteType + "/" + remoteProtocol;
    }
}
