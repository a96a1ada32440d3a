package dev.meshwire.nattest.matrix;

import java.util.List;

/**
 * What the TURN server itself reports about one cell, beside the daemons' own path labels: how many allocations it
 * granted and how many TCP client connections it had. The two servers report it differently:
 * <ul>
 *   <li>coturn in its {@code verbose} log: successful ALLOCATE lines, and "tcp or tls connected to" lines (TCP
 *       clients accepted during the cell);</li>
 *   <li>meshwire's embedded server in the coordinator's {@code /metrics} at the end of the cell:
 *       {@code meshwire_turn_allocations_total} (allocations made), and {@code meshwire_turn_tcp_connections}
 *       (TCP client connections open at that moment: the daemons keep theirs while the cell runs).</li>
 * </ul>
 *
 * @param allocations allocations granted; -1 when unknown (no TURN server, or its evidence could not be read)
 * @param tcpClients  TCP client connections (see above); -1 when unknown
 */
public record TurnEvidence(int allocations, int tcpClients) {
    static final TurnEvidence UNKNOWN = new TurnEvidence(-1, -1);

    static TurnEvidence fromCoturnLog(List<String> lines) {
        return new TurnEvidence((int) lines.stream().filter(l -> l.contains("ALLOCATE processed, success")).count(),
                (int) lines.stream().filter(l -> l.contains("tcp or tls connected to")).count());
    }

    /** From a Prometheus text exposition; a series that is absent counts as unknown (-1). */
    public static TurnEvidence fromMetrics(String prometheus) {
        return new TurnEvidence(sum(prometheus, "meshwire_turn_allocations_total"),
                sum(prometheus, "meshwire_turn_tcp_connections"));
    }

    /** The sum over every series of metric {@code name} (any labels), or -1 when it has none. */
    public static int sum(String prometheus, String name) {
        double total = 0;
        boolean seen = false;
        for (String line : prometheus.lines().toList()) {
            if (!line.startsWith(name)) continue;
            String rest = line.substring(name.length());
            if (!(rest.startsWith(" ") || rest.startsWith("{"))) continue; // a longer name with this prefix
            String[] parts = rest.substring(rest.startsWith("{") ? rest.indexOf('}') + 1 : 0).trim().split("\\s+");
            try {
                total += Double.parseDouble(parts[0]);
                seen = true;
            } catch (NumberFormatException e) {
                // not a sample line: ignore
            }
        }
        return seen ? (int) Math.round(total) : -1;
    }

    boolean known() {
        return allocations >= 0 || tcpClients >= 0;
    }
}
