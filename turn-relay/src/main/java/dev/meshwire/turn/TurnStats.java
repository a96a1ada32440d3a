package dev.meshwire.turn;

import java.util.Map;

/**
 * Counters of a {@link TurnServer} at one moment. "To peers" is client → relay → peer; "from peers" is the reverse.
 *
 * @param allocations    allocations alive now
 * @param permissions    permissions alive now, over all allocations
 * @param channels       channel bindings alive now, over all allocations
 * @param tcpConnections client TCP/TLS connections open now
 * @param refusals       requests and packets refused or dropped since start, by reason (e.g. {@code peer_denied},
 *                       {@code unauthorized}, {@code stale_nonce}, {@code quota}, {@code bandwidth}, {@code malformed},
 *                       {@code no_permission}); a reason never seen is absent
 * @param internalErrors unexpected exceptions caught at the I/O boundary since start; a healthy server keeps this at 0
 */
public record TurnStats(long allocations, long permissions, long channels, long tcpConnections,
                        long packetsToPeers, long bytesToPeers, long packetsFromPeers, long bytesFromPeers,
                        long allocationsTotal, Map<String, Long> refusals, long internalErrors) {
    public TurnStats {
        refusals = Map.copyOf(refusals);
    }
}
