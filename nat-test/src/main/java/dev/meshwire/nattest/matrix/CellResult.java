package dev.meshwire.nattest.matrix;

import java.util.Map;

/**
 * What one cell measured. Times are ms from the first send; -1 = never.
 *
 * @param pathA        final path A sees to B in {@code peers --json} ("failed" when the cell broke before)
 * @param pathB        final path B sees to A
 * @param firstDeliveredMs first message (either direction) in an inbox
 * @param channelOpenMs first time both sides show an open channel (direct or TURN); -1 never
 * @param directMs     first time both sides show a direct path; -1 never (within the cell's path wait)
 * @param sentAB       messages A sent to B (accepted by A's daemon)
 * @param recvAB       distinct A→B messages in B's inbox
 * @param dupAB        extra copies of A→B messages in B's inbox
 * @param inboxPaths   "path" of every received message, counted
 * @param physicsAgrees whether directness of the outcome matches what the NAT pair allows
 * @param expectedMatch whether the outcome is exactly the predicted path class
 * @param error        why the cell failed, or null
 * @param turn         what the TURN server itself reported (allocations, TCP clients; {@link TurnEvidence})
 * @param directPacketsInA UDP packets A's outermost router received straight from B's public address
 *                         ({@link FlowEvidence}); -1 when A has no router or conntrack could not be read
 * @param directPacketsInB the same at B's router, from A
 */
public record CellResult(Cell cell, String pathA, String pathB, long firstDeliveredMs, long channelOpenMs, long directMs,
                         int sentAB, int recvAB, int dupAB, int sentBA, int recvBA, int dupBA,
                         Map<String, Integer> inboxPaths, boolean physicsAgrees, boolean expectedMatch,
                         long cellMs, String error, TurnEvidence turn,
                         long directPacketsInA, long directPacketsInB) {

    public boolean countsExact() {
        return sentAB == recvAB && sentBA == recvBA && dupAB == 0 && dupBA == 0 && sentAB > 0 && sentBA > 0;
    }

    public boolean ok() {
        return error == null && countsExact() && physicsAgrees;
    }

    /**
     * Whether the kernel's evidence matches the daemons' label: direct iff every site with a router received UDP
     * straight from the peer. Null when neither site has a router (two flat hosts keep no conntrack).
     */
    public Boolean conntrackAgrees() {
        if (directPacketsInA < 0 && directPacketsInB < 0) return null;
        boolean sawBoth = (directPacketsInA < 0 || directPacketsInA > 0) && (directPacketsInB < 0 || directPacketsInB > 0);
        return sawBoth == (isDirect(pathA) && isDirect(pathB));
    }

    static boolean isDirect(String path) {
        return path != null && path.startsWith("direct");
    }
}
