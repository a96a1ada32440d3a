package dev.meshwire.nattest.matrix;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.meshwire.nattest.topology.NatBehaviour;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Markdown, JSON and SVG renderings of a matrix run. */
final class MatrixReport {
    private MatrixReport() {}

    static String packets(long v) {
        return v < 0 ? "–" : Long.toString(v);
    }

    static String ms(long v) {
        return v < 0 ? "never" : v + " ms";
    }

    /**
     * What a run covers: the whole matrix (the grids' layout, "not run" versus not part of the matrix) and the cells
     * picked to run ({@code --only}; which panels and row groups are drawn, and when a report is partial).
     */
    record Plan(List<Cell> matrix, List<Cell> cells) {
        static Plan whole(List<Cell> matrix) {
            return new Plan(matrix, matrix);
        }
    }

    static String markdown(String mode, List<CellResult> rs, long totalMs, int messages, Plan plan) {
        StringBuilder b = new StringBuilder();
        b.append("# NAT matrix (").append(mode).append(")\n\n");
        if (rs.size() < plan.cells().size()) b.append("**PARTIAL: ").append(rs.size()).append(" of ").append(plan.cells().size()).append(" cells run.**\n\n");
        if (plan.matrix().stream().noneMatch(Cell::turn)) {
            b.append("ICE servers: the coordinator's STUN only (`--turn none`); no TURN server runs, so a pair without a direct"
                    + " path must end on the coordinator relay.\n\n");
        }
        if (mode.startsWith("full")) fullSummary(b, rs, plan);
        b.append("Run ").append(Instant.now()).append(", ").append(messages).append(" messages each way per cell, ")
                .append("total ").append(totalMs / 1000.0).append(" s. Times are from the first send.\n\n");
        b.append(mode.startsWith("full") ? "## Every cell\n\n" : "");
        b.append("| cell | A | B | ICE servers | physics | path A→B / B→A | expected | time to first message | time to channel open | time to direct | A→B sent/recv/dup | B→A sent/recv/dup | inbox paths | coturn: allocations / TCP clients | conntrack: UDP packets in straight from the peer at A / B | result |\n");
        b.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (CellResult r : rs) {
            Cell c = r.cell();
            b.append("| ").append(c.id()).append(" | ").append(c.a().describe()).append(" | ").append(c.b().describe()).append(" | ").append(c.ice())
                    .append(" | ").append(c.directPossible() ? "direct possible" : "direct impossible")
                    .append(" | ").append(r.pathA()).append(" / ").append(r.pathB())
                    .append(" | ").append(c.expected().replace("|", " or ")).append(r.expectedMatch() ? "" : " (differs)")
                    .append(" | ").append(ms(r.firstDeliveredMs()))
                    .append(" | ").append(ms(r.channelOpenMs()))
                    .append(" | ").append(ms(r.directMs()))
                    .append(" | ").append(r.sentAB()).append("/").append(r.recvAB()).append("/").append(r.dupAB())
                    .append(" | ").append(r.sentBA()).append("/").append(r.recvBA()).append("/").append(r.dupBA())
                    .append(" | ").append(paths(r.inboxPaths()))
                    .append(" | ").append(r.coturnAllocations() < 0 ? "–" : r.coturnAllocations() + " / " + r.coturnTcpClients())
                    .append(" | ").append(packets(r.directPacketsInA())).append(" / ").append(packets(r.directPacketsInB()))
                    .append(" | ").append(r.ok() ? "OK" : "**FAIL**" + (r.physicsAgrees() ? "" : " (disagrees with physics)")
                            + (r.error() == null ? "" : ": " + r.error().replace('|', '/')))
                    .append(" |\n");
        }
        b.append("\n\"time to channel open\" is the first moment both daemons report an open WebRTC channel (direct or via TURN) in `/v1/peers`; \"time to direct\" the first moment both report a direct path (\"never\" if that did not happen within the cell's path wait, which runs for every cell).\n");
        return b.toString();
    }

    /** Short outcome label for grids: "D srflx", "T udp", "relay", "fail". */
    static String shortPath(String p) {
        if (p == null || p.equals("failed")) return "fail";
        if (p.equals("coordinator relay")) return "relay";
        if (p.startsWith("direct")) return ("D " + p.substring(6).trim()).trim();
        if (p.startsWith("turn")) return "T " + p.substring(4).trim();
        return p;
    }

    /** Outcome of a cell as one label: both sides' paths when they differ. */
    static String outcome(CellResult r) {
        String a = shortPath(r.pathA()), c = shortPath(r.pathB());
        return a.equals(c) ? a : a + "/" + c;
    }

    static boolean lossOrDup(CellResult r) {
        return !r.countsExact();
    }

    private static CellResult find(List<CellResult> rs, boolean turn, Side x, Side y) {
        for (CellResult r : rs) {
            if (matches(r.cell(), turn, x, y)) return r;
        }
        return null;
    }

    private static boolean inMatrix(Plan plan, boolean turn, Side x, Side y) {
        return plan.matrix().stream().anyMatch(c -> matches(c, turn, x, y));
    }

    /** A/B order does not matter: the matrix runs unordered pairs. */
    private static boolean matches(Cell c, boolean turn, Side x, Side y) {
        return c.turn() == turn && ((c.a().equals(x) && c.b().equals(y)) || (c.a().equals(y) && c.b().equals(x)));
    }

    /** The ICE settings of the cells picked: true = STUN + TURN, false = STUN only; TURN first. */
    private static List<Boolean> iceModes(Plan plan) {
        List<Boolean> modes = new java.util.ArrayList<>();
        if (plan.cells().stream().anyMatch(Cell::turn)) modes.add(true);
        if (plan.cells().stream().anyMatch(c -> !c.turn())) modes.add(false);
        return modes;
    }

    private static String iceTitle(boolean turn, Plan plan) {
        if (turn) return "STUN + TURN (udp, tcp)";
        boolean everyPair = plan.matrix().stream().anyMatch(c -> !c.turn() && c.directPossible());
        return everyPair ? "STUN only (every pair)" : "STUN only (only pairs where direct is impossible)";
    }

    /** The double-NAT sites of the cells picked, as grid rows; empty when there are none. */
    private static List<Side> doubleNatRows(Plan plan) {
        return Cell.doubleNatSides().stream()
                .filter(d -> plan.cells().stream().anyMatch(c -> c.a().equals(d) || c.b().equals(d))).toList();
    }

    private static List<Side> doubleNatColumns(List<Side> rows) {
        List<Side> cols = new java.util.ArrayList<>(Cell.doubleNatPartners());
        cols.addAll(rows);
        return cols;
    }

    private static List<Side> singleSides() {
        return Cell.behaviours().stream().map(Side::of).toList();
    }

    private static void fullSummary(StringBuilder b, List<CellResult> rs, Plan plan) {
        b.append("## Summary\n\n");
        for (boolean t : iceModes(plan)) {
            List<CellResult> mode = rs.stream().filter(r -> r.cell().turn() == t).toList();
            long possible = mode.stream().filter(r -> r.cell().directPossible()).count();
            long direct = mode.stream().filter(r -> r.cell().directPossible() && CellResult.isDirect(r.pathA())
                    && CellResult.isDirect(r.pathB())).count();
            long impossible = mode.size() - possible;
            String fallback = t ? "turn" : "coordinator relay";
            long fellBack = mode.stream().filter(r -> !r.cell().directPossible() && r.pathA().startsWith(fallback)
                    && r.pathB().startsWith(fallback)).count();
            b.append("- ").append(iceTitle(t, plan)).append(", ").append(mode.size()).append(" cells: ");
            if (possible > 0) {
                b.append("physics allows direct in ").append(possible).append("; both daemons ended **direct in ").append(direct)
                        .append("/").append(possible).append(String.format(" (%.0f%%)", 100.0 * direct / possible)).append("**. ");
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
        List<CellResult> bad = rs.stream().filter(r -> !r.ok()).toList();
        b.append("- Cells not OK (disagree with physics, lost/duplicated a message, or broke): ").append(bad.size()).append("\n");
        for (CellResult r : bad) {
            b.append("  - `").append(r.cell().id()).append("` (").append(r.cell().ice()).append("): ").append(r.pathA()).append(" / ")
                    .append(r.pathB()).append(", physics ").append(r.cell().directPossible() ? "allows direct" : "rules direct out")
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
                             List<CellResult> rs, Plan plan) {
        b.append("\n").append(title).append(": outcome path (A's / B's when they differ); `!` = disagrees with physics or ")
                .append("lost/duplicated; `(d)` = physics allows direct\n\n|  |");
        for (Side y : cols) b.append(" ").append(y).append(" |");
        b.append("\n|---|");
        for (int i = 0; i < cols.size(); i++) b.append("---|");
        b.append("\n");
        for (Side x : rows) {
            b.append("| **").append(x).append("**").append(x.isDoubleNat() ? " (as " + x.effective() + ")" : "").append(" |");
            for (Side y : cols) {
                CellResult r = find(rs, turn, x, y);
                boolean possible = Physics.directPossible(x.routers(), y.routers());
                String v = r != null ? outcome(r) + (r.ok() ? "" : " !") : inMatrix(plan, turn, x, y) ? "not run" : "·";
                if (possible && (r != null || inMatrix(plan, turn, x, y))) v += " (d)";
                b.append(" ").append(v).append(" |");
            }
            b.append("\n");
        }
    }

    private static String paths(Map<String, Integer> m) {
        StringBuilder b = new StringBuilder();
        m.forEach((k, v) -> b.append(b.length() == 0 ? "" : ", ").append(k).append(" ").append(v));
        return b.length() == 0 ? "–" : b.toString();
    }

    static String json(String mode, List<CellResult> rs, long totalMs, int messages) throws Exception {
        ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = m.createObjectNode();
        root.put("mode", mode);
        root.put("generatedAt", Instant.now().toString());
        root.put("totalMs", totalMs);
        root.put("messagesEachWay", messages);
        ArrayNode cells = root.putArray("cells");
        for (CellResult r : rs) {
            ObjectNode o = cells.addObject();
            Cell c = r.cell();
            o.put("id", c.id());
            o.put("a", c.a().label());
            o.put("b", c.b().label());
            side(o, "a", c.a());
            side(o, "b", c.b());
            o.put("ice", c.ice());
            o.put("directPossible", c.directPossible());
            o.put("expected", c.expected());
            o.put("pathAtoB", r.pathA());
            o.put("pathBtoA", r.pathB());
            o.put("firstDeliveredMs", r.firstDeliveredMs());
            o.put("channelOpenMs", r.channelOpenMs());
            o.put("directMs", r.directMs());
            o.put("sentAB", r.sentAB()); o.put("recvAB", r.recvAB()); o.put("dupAB", r.dupAB());
            o.put("sentBA", r.sentBA()); o.put("recvBA", r.recvBA()); o.put("dupBA", r.dupBA());
            o.set("inboxPaths", m.valueToTree(r.inboxPaths()));
            o.put("physicsAgrees", r.physicsAgrees());
            o.put("expectedMatch", r.expectedMatch());
            o.put("cellMs", r.cellMs());
            o.put("coturnAllocations", r.coturnAllocations());
            o.put("coturnTcpClients", r.coturnTcpClients());
            o.put("directPacketsInA", r.directPacketsInA());
            o.put("directPacketsInB", r.directPacketsInB());
            o.put("error", r.error());
            o.put("ok", r.ok());
        }
        return m.writeValueAsString(root) + "\n";
    }

    /** The NAT layers of a side (inner→outer, empty for a flat host) and the behaviour they compose to. */
    private static void side(ObjectNode o, String key, Side s) {
        ArrayNode routers = o.putArray(key + "Routers");
        for (NatBehaviour r : s.routers()) routers.add(r.label());
        o.put(key + "Effective", s.effective().label());
    }

    /** One row per cell: colour by outcome class (direct green, TURN amber, relay grey, failed red). */
    static String svg(String mode, List<CellResult> rs) {
        int w = 760, rowH = 34, h = 50 + rowH * rs.size();
        StringBuilder b = new StringBuilder();
        b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(w).append("\" height=\"").append(h)
                .append("\" font-family=\"sans-serif\" font-size=\"13\">\n");
        b.append("<text x=\"10\" y=\"22\" font-weight=\"bold\">meshwire NAT matrix (").append(mode).append("): outcome path per cell</text>\n");
        int y = 40;
        for (CellResult r : rs) {
            String p = r.pathA();
            String colour = !r.ok() ? "#e06666" : p.startsWith("direct") ? "#6aa84f" : p.startsWith("turn") ? "#f1c232" : "#999999";
            b.append("<rect x=\"10\" y=\"").append(y).append("\" width=\"260\" height=\"").append(rowH - 4)
                    .append("\" fill=\"#eeeeee\"/>\n");
            b.append("<text x=\"16\" y=\"").append(y + 20).append("\">").append(esc(r.cell().a().describe() + " ↔ " + r.cell().b().describe())).append("</text>\n");
            b.append("<rect x=\"274\" y=\"").append(y).append("\" width=\"476\" height=\"").append(rowH - 4)
                    .append("\" fill=\"").append(colour).append("\"/>\n");
            b.append("<text x=\"280\" y=\"").append(y + 20).append("\">").append(esc(p + " — first msg " + ms(r.firstDeliveredMs())
                    + ", open " + ms(r.channelOpenMs()) + ", direct " + ms(r.directMs()) + ", " + (r.recvAB() + r.recvBA()) + "/" + (r.sentAB() + r.sentBA())
                    + (r.ok() ? "" : " FAIL"))).append("</text>\n");
            y += rowH;
        }
        return b.append("</svg>\n").toString();
    }

    /**
     * The full matrix as heatmaps, one panel per ICE setting of the plan (STUN + TURN, STUN only): rows and columns
     * are the site behaviours, colour the outcome (direct green, TURN over UDP amber, TURN over TCP orange,
     * coordinator relay blue-grey, failed red, not run light grey); a thick red border and "!" mark a cell that
     * disagrees with physics or lost/duplicated a message; a small dot marks pairs where physics allows direct.
     * Double-NAT sites get their own smaller row group below (rows: the double-NAT sites, columns: their partners).
     */
    static String heatmap(List<CellResult> rs, Plan plan) {
        List<Boolean> modes = iceModes(plan);
        List<Side> single = plan.cells().stream().anyMatch(c -> !c.hasDoubleNat()) ? singleSides() : List.of();
        List<Side> dblRows = doubleNatRows(plan), dblCols = doubleNatColumns(dblRows);
        int panelW = CW * Math.max(single.size(), dblCols.size());
        int w = Math.max(LEFT + modes.size() * (panelW + GAP) + 20, 1040);   // at least the legend's width
        StringBuilder b = new StringBuilder();
        StringBuilder body = new StringBuilder();
        int y = 45;
        if (!single.isEmpty()) y = group(body, y, null, single, single, modes, panelW, rs, plan);
        if (!dblRows.isEmpty()) {
            y = group(body, y + 20, "Double NAT: home router → CGNAT (inner→outer); rows show the behaviour they compose to",
                    dblRows, dblCols, modes, panelW, rs, plan);
        }
        int ly = y + 25, h = ly + 62;
        b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(w).append("\" height=\"").append(h)
                .append("\" font-family=\"sans-serif\" font-size=\"11\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        b.append("<text x=\"10\" y=\"20\" font-size=\"15\" font-weight=\"bold\">meshwire NAT matrix (full): path the daemons end on, per pair of site NATs")
                .append(rs.size() < plan.cells().size() ? " — PARTIAL " + rs.size() + "/" + plan.cells().size() : "").append("</text>\n");
        b.append(body);
        String[][] legend = {{"#6aa84f", "direct (both sides)"}, {"#f1c232", "TURN over UDP"}, {"#e69138", "TURN, a TCP leg"},
                {"#9fb4c7", "coordinator relay"}, {"#e06666", "failed / mixed"}, {"#f3f3f3", "not run"}};
        int lx = LEFT;
        for (String[] l : legend) {
            b.append("<rect x=\"").append(lx).append("\" y=\"").append(ly).append("\" width=\"14\" height=\"14\" fill=\"")
                    .append(l[0]).append("\" stroke=\"#888\"/><text x=\"").append(lx + 18).append("\" y=\"").append(ly + 11)
                    .append("\">").append(l[1]).append("</text>\n");
            lx += 150;
        }
        b.append("<text x=\"").append(LEFT).append("\" y=\"").append(ly + 35).append("\">")
                .append(esc("\u25cf = physics (RFC 4787, simultaneous open) allows a direct path; red border and \"!\" = disagrees with physics, or lost/duplicated a message."))
                .append("</text>\n<text x=\"").append(LEFT).append("\" y=\"").append(ly + 50).append("\">")
                .append("Matrix is symmetric (unordered pairs run once); n/a = not part of the matrix.</text>\n");
        return b.append("</svg>\n").toString();
    }

    private static final int CW = 62, CHH = 30, LEFT = 120, GAP = 130, LABELS = 80;   // GAP leaves room for the double-NAT row labels

    /** A row group: optional heading, then one panel per ICE setting side by side; returns the y below it. */
    private static int group(StringBuilder b, int y, String heading, List<Side> rows, List<Side> cols, List<Boolean> modes,
                             int panelW, List<CellResult> rs, Plan plan) {
        if (heading != null) {
            b.append("<text x=\"10\" y=\"").append(y).append("\" font-size=\"13\" font-weight=\"bold\">").append(esc(heading)).append("</text>\n");
            y += 20;
        }
        int top = y + LABELS;
        for (int p = 0; p < modes.size(); p++) {
            boolean turn = modes.get(p);
            int x0 = LEFT + p * (panelW + GAP);
            b.append("<text x=\"").append(x0).append("\" y=\"").append(y).append("\" font-size=\"13\" font-weight=\"bold\">ICE: ")
                    .append(esc(iceTitle(turn, plan))).append("</text>\n");
            for (int j = 0; j < cols.size(); j++) {
                int cx = x0 + j * CW + CW / 2;
                b.append("<text x=\"").append(cx).append("\" y=\"").append(top - 8).append("\" text-anchor=\"start\" transform=\"rotate(-35 ")
                        .append(cx).append(" ").append(top - 8).append(")\">").append(esc(cols.get(j).label())).append("</text>\n");
            }
            for (int i = 0; i < rows.size(); i++) {
                Side a = rows.get(i);
                int ry = top + i * CHH;
                // a double-NAT row label takes two lines: the chain, then what it composes to
                b.append("<text x=\"").append(x0 - 4).append("\" y=\"").append(ry + (a.isDoubleNat() ? 12 : 19))
                        .append("\" text-anchor=\"end\">").append(esc(a.label())).append("</text>\n");
                if (a.isDoubleNat()) {
                    b.append("<text x=\"").append(x0 - 4).append("\" y=\"").append(ry + 24).append("\" text-anchor=\"end\" font-size=\"10\">")
                            .append(esc("as " + a.effective())).append("</text>\n");
                }
                for (int j = 0; j < cols.size(); j++) cell(b, x0 + j * CW, ry, a, cols.get(j), turn, rs, plan);
            }
        }
        return top + CHH * rows.size();
    }

    private static void cell(StringBuilder b, int x, int y, Side a, Side c, boolean turn, List<CellResult> rs, Plan plan) {
        CellResult r = find(rs, turn, a, c);
        boolean possible = Physics.directPossible(a.routers(), c.routers());
        boolean inPlan = inMatrix(plan, turn, a, c);
        String fill, label;
        if (r == null) {
            fill = "#f3f3f3";
            label = inPlan ? "" : "n/a";
        } else {
            String pa = r.pathA(), pb = r.pathB();
            boolean failed = pa.equals("failed") || r.error() != null;
            fill = failed ? "#e06666"
                    : CellResult.isDirect(pa) && CellResult.isDirect(pb) ? "#6aa84f"
                    : pa.contains("tcp") || pb.contains("tcp") ? "#e69138"
                    : pa.startsWith("turn") || pb.startsWith("turn") ? "#f1c232"
                    : pa.equals("coordinator relay") && pb.equals("coordinator relay") ? "#9fb4c7" : "#e06666";
            label = outcome(r);
        }
        b.append("<rect x=\"").append(x).append("\" y=\"").append(y).append("\" width=\"").append(CW - 2)
                .append("\" height=\"").append(CHH - 2).append("\" fill=\"").append(fill).append("\"");
        if (r != null && !r.ok()) b.append(" stroke=\"#cc0000\" stroke-width=\"3\"");
        b.append("><title>").append(esc(a.describe() + " \u2194 " + c.describe() + ": " + (r == null ? "not run" : r.pathA() + " / " + r.pathB()
                + ", " + (r.recvAB() + r.recvBA()) + "/" + (r.sentAB() + r.sentBA()) + " delivered, "
                + (r.dupAB() + r.dupBA()) + " dup" + (r.physicsAgrees() ? "" : ", DISAGREES with physics"))
                + (possible ? " (physics: direct possible)" : " (physics: direct impossible)"))).append("</title></rect>\n");
        if (!label.isEmpty()) {
            String shown = label.length() > 11 ? label.substring(0, 11) : label;
            b.append("<text x=\"").append(x + (CW - 2) / 2).append("\" y=\"").append(y + 18)
                    .append("\" text-anchor=\"middle\" font-size=\"10\">").append(esc(shown))
                    .append(r != null && !r.ok() ? " !" : "").append("</text>\n");
        }
        if (possible && inPlan) b.append("<circle cx=\"").append(x + CW - 8).append("\" cy=\"").append(y + 6)
                .append("\" r=\"2.5\" fill=\"#222\"/>\n");
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
