package dev.meshwire.nattest.matrix;

import static dev.meshwire.nattest.matrix.MatrixGrid.doubleNatColumns;
import static dev.meshwire.nattest.matrix.MatrixGrid.doubleNatRows;
import static dev.meshwire.nattest.matrix.MatrixGrid.find;
import static dev.meshwire.nattest.matrix.MatrixGrid.iceModes;
import static dev.meshwire.nattest.matrix.MatrixGrid.iceTitle;
import static dev.meshwire.nattest.matrix.MatrixGrid.inMatrix;
import static dev.meshwire.nattest.matrix.MatrixGrid.ms;
import static dev.meshwire.nattest.matrix.MatrixGrid.outcome;
import static dev.meshwire.nattest.matrix.MatrixGrid.packets;
import static dev.meshwire.nattest.matrix.MatrixGrid.singleSides;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The Markdown report of a matrix run: summary, outcome grids, then one table row per cell. */
final class MarkdownReport {
    private MarkdownReport() {}

    static String markdown(String mode, TurnChoice turn, List<CellResult> rs, long totalMs, int messages, MatrixPlan plan) {
        StringBuilder b = new StringBuilder();
        b.append("# NAT matrix (").append(mode).append(")\n\n");
        if (rs.size() < plan.cells().size()) b.append("**PARTIAL: ").append(rs.size()).append(" of ").append(plan.cells().size()).append(" cells run.**\n\n");
        if (plan.matrix().stream().noneMatch(Cell::turn)) {
            b.append("ICE servers: the coordinator's STUN only (`--turn none`); no TURN server runs, so a pair without a direct"
                    + " path must end on the coordinator relay.\n\n");
        } else {
            b.append("TURN server: ").append(turn.describe()).append(".\n\n");
        }
        if (mode.startsWith("full")) fullSummary(b, rs, plan);
        b.append("Run ").append(Instant.now()).append(", ").append(messages).append(" messages each way per cell, ")
                .append("total ").append(totalMs / 1000.0).append(" s. Times are from the first send.\n\n");
        b.append(mode.startsWith("full") ? "## Every cell\n\n" : "");
        b.append("| cell | A | B | ICE servers | physics | path A→B / B→A | expected | time to first message | time to channel open | time to direct | A→B sent/recv/dup | B→A sent/recv/dup | inbox paths | TURN: allocations / TCP clients | conntrack: UDP packets in straight from the peer at A / B | result |\n");
        b.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (CellResult r : rs) {
            Cell c = r.cell();
            b.append("| ").append(c.id()).append(" | ").append(c.a().describe()).append(" | ").append(c.b().describe()).append(" | ").append(c.ice())
                    .append(" | ").append(c.directPossible() ? "direct possible" : c.race() ? "race (timing)" : "direct impossible")
                    .append(" | ").append(r.pathA()).append(" / ").append(r.pathB())
                    .append(" | ").append(c.expected().replace("|", " or ")).append(r.expectedMatch() ? "" : " (differs)")
                    .append(" | ").append(ms(r.firstDeliveredMs()))
                    .append(" | ").append(ms(r.channelOpenMs()))
                    .append(" | ").append(ms(r.directMs()))
                    .append(" | ").append(r.sentAB()).append("/").append(r.recvAB()).append("/").append(r.dupAB())
                    .append(" | ").append(r.sentBA()).append("/").append(r.recvBA()).append("/").append(r.dupBA())
                    .append(" | ").append(paths(r.inboxPaths()))
                    .append(" | ").append(evidence(r.turn()))
                    .append(" | ").append(packets(r.directPacketsInA())).append(" / ").append(packets(r.directPacketsInB()))
                    .append(" | ").append(r.ok() ? "OK" : "**FAIL**" + (r.physicsAgrees() ? "" : " (disagrees with physics)")
                            + (r.error() == null ? "" : ": " + r.error().replace('|', '/')))
                    .append(" |\n");
        }
        if (turn.relays()) b.append("\n").append(evidenceNote(turn)).append("\n");
        b.append("\n\"time to channel open\" is the first moment both daemons report an open WebRTC channel (direct or via TURN) in `/v1/peers`; \"time to direct\" the first moment both report a direct path (\"never\" if that did not happen within the cell's path wait, which runs for every cell).\n");
        return b.toString();
    }

    private static void fullSummary(StringBuilder b, List<CellResult> rs, MatrixPlan plan) {
        b.append("## Summary\n\n");
        for (boolean t : iceModes(plan)) {
            List<CellResult> mode = rs.stream().filter(r -> r.cell().turn() == t).toList();
            long possible = mode.stream().filter(r -> r.cell().directPossible()).count();
            long direct = mode.stream().filter(r -> r.cell().directPossible() && bothDirect(r)).count();
            List<CellResult> races = mode.stream().filter(r -> r.cell().race()).toList();
            long impossible = mode.size() - possible - races.size();
            String fallback = t ? "turn" : "coordinator relay";
            long fellBack = mode.stream().filter(r -> !r.cell().directPossible() && !r.cell().race()
                    && r.pathA().startsWith(fallback) && r.pathB().startsWith(fallback)).count();
            b.append("- ").append(iceTitle(t, plan)).append(", ").append(mode.size()).append(" cells: ");
            if (possible > 0) {
                b.append("physics allows direct in ").append(possible).append("; both daemons ended **direct in ").append(direct)
                        .append("/").append(possible).append(String.format(" (%.0f%%)", 100.0 * direct / possible)).append("**. ");
            }
            if (!races.isEmpty()) {
                b.append("Direct depends on timing (race) in ").append(races.size()).append("; direct in ")
                        .append(races.stream().filter(MarkdownReport::bothDirect).count()).append("/").append(races.size()).append(". ");
            }
            b.append("Direct impossible in ").append(impossible).append("; both on ")
                    .append(t ? "TURN" : "the coordinator relay").append(" in ").append(fellBack).append("/").append(impossible).append(".\n");
        }
        long sent = rs.stream().mapToLong(r -> r.sentAB() + r.sentBA()).sum();
        long recv = rs.stream().mapToLong(r -> r.recvAB() + r.recvBA()).sum();
        long dup = rs.stream().mapToLong(r -> r.dupAB() + r.dupBA()).sum();
        long exact = rs.stream().filter(CellResult::countsExact).count();
        b.append("- Delivery: ").append(recv).append("/").append(sent).append(" messages")
                .append(sent == 0 ? "" : String.format(" (%.1f%%)", 100.0 * recv / sent)).append(", ").append(dup)
                .append(" duplicates; exact counts in ").append(exact).append("/").append(rs.size()).append(" cells.\n");
        List<CellResult> evidenced = rs.stream().filter(r -> r.conntrackAgrees() != null).toList();
        b.append("- Kernel evidence (conntrack at the routers: UDP straight from the peer's public address, both ways iff")
                .append(" the daemons say direct): agrees in ").append(evidenced.stream().filter(CellResult::conntrackAgrees).count())
                .append("/").append(evidenced.size()).append(" cells with a router.\n");
        List<CellResult> bad = rs.stream().filter(r -> !r.ok()).toList();
        b.append("- Cells not OK (disagree with physics, lost/duplicated a message, or broke): ").append(bad.size()).append("\n");
        for (CellResult r : bad) {
            b.append("  - `").append(r.cell().id()).append("` (").append(r.cell().ice()).append("): ").append(r.pathA()).append(" / ")
                    .append(r.pathB()).append(", physics ").append(r.cell().directPossible() ? "allows direct" : r.cell().race() ? "says race" : "rules direct out")
                    .append(r.physicsAgrees() ? "" : " — **disagrees**")
                    .append(r.countsExact() ? "" : ", counts A→B " + r.recvAB() + "/" + r.sentAB() + " dup " + r.dupAB()
                            + ", B→A " + r.recvBA() + "/" + r.sentBA() + " dup " + r.dupBA())
                    .append(r.error() == null ? "" : ", error: " + r.error()).append("\n");
        }
        boolean single = plan.cells().stream().anyMatch(c -> !c.hasDoubleNat());
        List<Side> dblRows = doubleNatRows(plan);
        for (boolean t : iceModes(plan)) {
            if (single) grid(b, "### " + iceTitle(t, plan), singleSides(), singleSides(), t, rs, plan);
        }
        if (!dblRows.isEmpty()) {
            b.append("\nDouble NAT rows: a home router behind a carrier-grade NAT (inner→outer, 100.64/10 between them); "
                    + "\"as\" is the behaviour the chain shows from outside, which is what the physics rule is applied to.\n");
            for (boolean t : iceModes(plan)) grid(b, "### Double NAT, " + iceTitle(t, plan), dblRows, doubleNatColumns(dblRows), t, rs, plan);
        }
        b.append("\n");
    }

    /** One outcome grid; "·" = not part of the matrix, "not run" = part of it but no result (not picked, or not yet). */
    private static void grid(StringBuilder b, String title, List<Side> rows, List<Side> cols, boolean turn,
                             List<CellResult> rs, MatrixPlan plan) {
        b.append("\n").append(title).append(": outcome path (A's / B's when they differ); `!` = disagrees with physics or ")
                .append("lost/duplicated; `(d)` = physics allows direct; `(r)` = direct depends on timing\n\n|  |");
        for (Side y : cols) b.append(" ").append(y).append(" |");
        b.append("\n|---|");
        for (int i = 0; i < cols.size(); i++) b.append("---|");
        b.append("\n");
        for (Side x : rows) {
            b.append("| **").append(x).append("**").append(x.isDoubleNat() ? " (as " + x.effective() + ")" : "").append(" |");
            for (Side y : cols) {
                CellResult r = find(rs, turn, x, y);
                Physics.Verdict verdict = Physics.verdict(x.routers(), y.routers());
                boolean possible = verdict == Physics.Verdict.DIRECT, race = verdict == Physics.Verdict.RACE;
                String v = r != null ? outcome(r) + (r.ok() ? "" : " !") : inMatrix(plan, turn, x, y) ? "not run" : "·";
                if (r != null || inMatrix(plan, turn, x, y)) v += possible ? " (d)" : race ? " (r)" : "";
                b.append(" ").append(v).append(" |");
            }
            b.append("\n");
        }
    }

    private static String evidence(TurnEvidence e) {
        if (!e.known()) return "–";
        return (e.allocations() < 0 ? "?" : e.allocations()) + " / " + (e.tcpClients() < 0 ? "?" : e.tcpClients());
    }

    /** Where the "TURN: allocations / TCP clients" column comes from, which differs between the servers. */
    private static String evidenceNote(TurnChoice turn) {
        return turn == TurnChoice.COTURN
                ? "\"TURN: allocations / TCP clients\" is coturn's own log: successful ALLOCATEs, and TCP client connections accepted during the cell."
                : "\"TURN: allocations / TCP clients\" is the coordinator's `/metrics` at the end of the cell: `meshwire_turn_allocations_total`"
                        + " (allocations made) and `meshwire_turn_tcp_connections` (TCP client connections open then).";
    }

    private static boolean bothDirect(CellResult r) {
        return CellResult.isDirect(r.pathA()) && CellResult.isDirect(r.pathB());
    }

    private static String paths(Map<String, Integer> m) {
        StringBuilder b = new StringBuilder();
        m.forEach((k, v) -> b.append(b.length() == 0 ? "" : ", ").append(k).append(" ").append(v));
        return b.length() == 0 ? "–" : b.toString();
    }
}
