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

    static String ms(long v) {
        return v < 0 ? "never" : v + " ms";
    }

    static String markdown(List<CellResult> rs, long totalMs, int messages) {
        return markdown("quick", rs, totalMs, messages, rs.size());
    }

    static String markdown(String mode, List<CellResult> rs, long totalMs, int messages, int planned) {
        StringBuilder b = new StringBuilder();
        b.append("# NAT matrix (").append(mode).append(")\n\n");
        if (rs.size() < planned) b.append("**PARTIAL: ").append(rs.size()).append(" of ").append(planned).append(" cells run.**\n\n");
        if (mode.equals("full")) fullSummary(b, rs);
        b.append("Run ").append(Instant.now()).append(", ").append(messages).append(" messages each way per cell, ")
                .append("total ").append(totalMs / 1000.0).append(" s. Times are from the first send.\n\n");
        b.append(mode.equals("full") ? "## Every cell\n\n" : "");
        b.append("| cell | A | B | ICE servers | physics | path A→B / B→A | expected | time to first message | time to channel open | time to direct | A→B sent/recv/dup | B→A sent/recv/dup | inbox paths | coturn: allocations / TCP clients | result |\n");
        b.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (CellResult r : rs) {
            Cell c = r.cell();
            b.append("| ").append(c.id()).append(" | ").append(c.a()).append(" | ").append(c.b()).append(" | ").append(c.ice())
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

    private static CellResult find(List<CellResult> rs, boolean turn, NatBehaviour x, NatBehaviour y) {
        for (CellResult r : rs) {
            Cell c = r.cell();
            if (c.turn() != turn) continue;
            if ((c.a().equals(x) && c.b().equals(y)) || (c.a().equals(y) && c.b().equals(x))) return r;
        }
        return null;
    }

    private static void fullSummary(StringBuilder b, List<CellResult> rs) {
        List<CellResult> turn = rs.stream().filter(r -> r.cell().turn()).toList();
        List<CellResult> stun = rs.stream().filter(r -> !r.cell().turn()).toList();
        long possible = turn.stream().filter(r -> r.cell().directPossible()).count();
        long directWhenPossible = turn.stream().filter(r -> r.cell().directPossible() && CellResult.isDirect(r.pathA())
                && CellResult.isDirect(r.pathB())).count();
        long impossible = turn.size() - possible;
        long turnWhenImpossible = turn.stream().filter(r -> !r.cell().directPossible() && r.pathA().startsWith("turn")
                && r.pathB().startsWith("turn")).count();
        long relay = stun.stream().filter(r -> r.pathA().equals("coordinator relay") && r.pathB().equals("coordinator relay")).count();
        long sent = rs.stream().mapToLong(r -> r.sentAB() + r.sentBA()).sum();
        long recv = rs.stream().mapToLong(r -> r.recvAB() + r.recvBA()).sum();
        long dup = rs.stream().mapToLong(r -> r.dupAB() + r.dupBA()).sum();
        long exact = rs.stream().filter(CellResult::countsExact).count();
        b.append("## Summary\n\n");
        b.append("- STUN + TURN (udp, tcp), ").append(turn.size()).append(" cells: physics allows direct in ").append(possible)
                .append("; both daemons ended **direct in ").append(directWhenPossible).append("/").append(possible)
                .append(possible == 0 ? "" : String.format(" (%.0f%%)", 100.0 * directWhenPossible / possible))
                .append("**. Direct impossible in ").append(impossible).append("; both on TURN in ")
                .append(turnWhenImpossible).append("/").append(impossible).append(".\n");
        b.append("- STUN only (pairs where direct is impossible), ").append(stun.size()).append(" cells: both on the coordinator relay in ")
                .append(relay).append("/").append(stun.size()).append(".\n");
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
        List<NatBehaviour> bs = Cell.behaviours();
        for (boolean t : new boolean[] {true, false}) {
            b.append("\n### ").append(t ? "STUN + TURN (udp, tcp)" : "STUN only (only pairs where direct is impossible)")
                    .append(": outcome path (A's / B's when they differ); `!` = disagrees with physics or lost/duplicated; ")
                    .append("`(d)` = physics allows direct\n\n|  |");
            for (NatBehaviour y : bs) b.append(" ").append(y).append(" |");
            b.append("\n|---|");
            for (int i = 0; i < bs.size(); i++) b.append("---|");
            b.append("\n");
            for (NatBehaviour x : bs) {
                b.append("| **").append(x).append("** |");
                for (NatBehaviour y : bs) {
                    CellResult r = find(rs, t, x, y);
                    String v = r == null ? (t || Physics.directPossible(x, y) ? "·" : "not run") : outcome(r)
                            + (r.ok() ? "" : " !");
                    if (t && Physics.directPossible(x, y)) v += " (d)";
                    b.append(" ").append(v).append(" |");
                }
                b.append("\n");
            }
        }
        b.append("\n");
    }

    private static String paths(Map<String, Integer> m) {
        StringBuilder b = new StringBuilder();
        m.forEach((k, v) -> b.append(b.length() == 0 ? "" : ", ").append(k).append(" ").append(v));
        return b.length() == 0 ? "–" : b.toString();
    }

    static String json(List<CellResult> rs, long totalMs, int messages) throws Exception {
        ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = m.createObjectNode();
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
            o.put("error", r.error());
            o.put("ok", r.ok());
        }
        return m.writeValueAsString(root) + "\n";
    }

    /** One row per cell: colour by outcome class (direct green, TURN amber, relay grey, failed red). */
    static String svg(List<CellResult> rs) {
        int w = 760, rowH = 34, h = 50 + rowH * rs.size();
        StringBuilder b = new StringBuilder();
        b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(w).append("\" height=\"").append(h)
                .append("\" font-family=\"sans-serif\" font-size=\"13\">\n");
        b.append("<text x=\"10\" y=\"22\" font-weight=\"bold\">meshwire NAT matrix (quick): outcome path per cell</text>\n");
        int y = 40;
        for (CellResult r : rs) {
            String p = r.pathA();
            String colour = !r.ok() ? "#e06666" : p.startsWith("direct") ? "#6aa84f" : p.startsWith("turn") ? "#f1c232" : "#999999";
            b.append("<rect x=\"10\" y=\"").append(y).append("\" width=\"260\" height=\"").append(rowH - 4)
                    .append("\" fill=\"#eeeeee\"/>\n");
            b.append("<text x=\"16\" y=\"").append(y + 20).append("\">").append(esc(r.cell().a() + " ↔ " + r.cell().b())).append("</text>\n");
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
     * The full matrix as two heatmaps (STUN + TURN, and STUN only): rows and columns are the site behaviours,
     * colour the outcome (direct green, TURN over UDP amber, TURN over TCP orange, coordinator relay blue-grey,
     * failed red, not run light grey); a thick red border and "!" mark a cell that disagrees with physics or
     * lost/duplicated a message; a small dot marks pairs where physics allows direct.
     */
    static String heatmap(List<CellResult> rs, int planned) {
        List<NatBehaviour> bs = Cell.behaviours();
        int cw = 62, chh = 30, left = 110, top = 125, gap = 60;
        int panelW = cw * bs.size();
        int w = left + 2 * panelW + gap + 20, h = top + chh * bs.size() + 110;
        StringBuilder b = new StringBuilder();
        b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(w).append("\" height=\"").append(h)
                .append("\" font-family=\"sans-serif\" font-size=\"11\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        b.append("<text x=\"10\" y=\"20\" font-size=\"15\" font-weight=\"bold\">meshwire NAT matrix (full): path the daemons end on, per pair of site NATs")
                .append(rs.size() < planned ? " — PARTIAL " + rs.size() + "/" + planned : "").append("</text>\n");
        for (int p = 0; p < 2; p++) {
            boolean turn = p == 0;
            int x0 = left + p * (panelW + gap);
            b.append("<text x=\"").append(x0).append("\" y=\"45\" font-size=\"13\" font-weight=\"bold\">")
                    .append(turn ? "ICE: STUN + TURN (udp, tcp)" : "ICE: STUN only (pairs where direct is impossible)").append("</text>\n");
            for (int j = 0; j < bs.size(); j++) {
                int cx = x0 + j * cw + cw / 2;
                b.append("<text x=\"").append(cx).append("\" y=\"").append(top - 8).append("\" text-anchor=\"start\" transform=\"rotate(-35 ")
                        .append(cx).append(" ").append(top - 8).append(")\">").append(esc(bs.get(j).label())).append("</text>\n");
            }
            for (int i = 0; i < bs.size(); i++) {
                int y = top + i * chh;
                b.append("<text x=\"").append(x0 - 4).append("\" y=\"").append(y + 19).append("\" text-anchor=\"end\">")
                        .append(esc(bs.get(i).label())).append("</text>\n");
                for (int j = 0; j < bs.size(); j++) {
                    int x = x0 + j * cw;
                    NatBehaviour a = bs.get(i), c = bs.get(j);
                    CellResult r = find(rs, turn, a, c);
                    boolean possible = Physics.directPossible(a, c);
                    String fill, label;
                    if (r == null) {
                        fill = "#f3f3f3";
                        label = turn ? "" : possible ? "n/a" : "";
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
                    b.append("<rect x=\"").append(x).append("\" y=\"").append(y).append("\" width=\"").append(cw - 2)
                            .append("\" height=\"").append(chh - 2).append("\" fill=\"").append(fill).append("\"");
                    if (r != null && !r.ok()) b.append(" stroke=\"#cc0000\" stroke-width=\"3\"");
                    b.append("><title>").append(esc(a + " \u2194 " + c + ": " + (r == null ? "not run" : r.pathA() + " / " + r.pathB()
                            + ", " + (r.recvAB() + r.recvBA()) + "/" + (r.sentAB() + r.sentBA()) + " delivered, "
                            + (r.dupAB() + r.dupBA()) + " dup" + (r.physicsAgrees() ? "" : ", DISAGREES with physics"))
                            + (possible ? " (physics: direct possible)" : " (physics: direct impossible)"))).append("</title></rect>\n");
                    if (!label.isEmpty()) {
                        String shown = label.length() > 11 ? label.substring(0, 11) : label;
                        b.append("<text x=\"").append(x + (cw - 2) / 2).append("\" y=\"").append(y + 18)
                                .append("\" text-anchor=\"middle\" font-size=\"10\">").append(esc(shown))
                                .append(r != null && !r.ok() ? " !" : "").append("</text>\n");
                    }
                    if (possible && turn) b.append("<circle cx=\"").append(x + cw - 8).append("\" cy=\"").append(y + 6)
                            .append("\" r=\"2.5\" fill=\"#222\"/>\n");
                }
            }
        }
        int ly = top + chh * bs.size() + 25;
        String[][] legend = {{"#6aa84f", "direct (both sides)"}, {"#f1c232", "TURN over UDP"}, {"#e69138", "TURN, a TCP leg"},
                {"#9fb4c7", "coordinator relay"}, {"#e06666", "failed / mixed"}, {"#f3f3f3", "not run"}};
        int lx = left;
        for (String[] l : legend) {
            b.append("<rect x=\"").append(lx).append("\" y=\"").append(ly).append("\" width=\"14\" height=\"14\" fill=\"")
                    .append(l[0]).append("\" stroke=\"#888\"/><text x=\"").append(lx + 18).append("\" y=\"").append(ly + 11)
                    .append("\">").append(l[1]).append("</text>\n");
            lx += 150;
        }
        b.append("<text x=\"").append(left).append("\" y=\"").append(ly + 35).append("\">")
                .append(esc("\u25cf = physics (RFC 4787, simultaneous open) allows a direct path; red border and \"!\" = disagrees with physics, or lost/duplicated a message. Matrix is symmetric (unordered pairs run once)."))
                .append("</text>\n");
        return b.append("</svg>\n").toString();
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
