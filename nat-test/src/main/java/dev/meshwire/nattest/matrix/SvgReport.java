package dev.meshwire.nattest.matrix;

import static dev.meshwire.nattest.matrix.MatrixGrid.doubleNatColumns;
import static dev.meshwire.nattest.matrix.MatrixGrid.doubleNatRows;
import static dev.meshwire.nattest.matrix.MatrixGrid.find;
import static dev.meshwire.nattest.matrix.MatrixGrid.iceModes;
import static dev.meshwire.nattest.matrix.MatrixGrid.iceTitle;
import static dev.meshwire.nattest.matrix.MatrixGrid.inMatrix;
import static dev.meshwire.nattest.matrix.MatrixGrid.ms;
import static dev.meshwire.nattest.matrix.MatrixGrid.outcome;
import static dev.meshwire.nattest.matrix.MatrixGrid.singleSides;

import java.util.List;

/** The pictures of a matrix run: a heatmap per ICE setting for the full matrix, one coloured row per cell otherwise. */
final class SvgReport {
    private SvgReport() {}

    /** One row per cell: colour by outcome class (direct green, TURN amber, relay grey, failed red). */
    static String svg(String mode, TurnChoice turn, List<CellResult> rs) {
        int w = 760, rowH = 34, h = 50 + rowH * rs.size();
        StringBuilder b = new StringBuilder();
        b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(w).append("\" height=\"").append(h)
                .append("\" font-family=\"sans-serif\" font-size=\"13\">\n");
        b.append("<text x=\"10\" y=\"22\" font-weight=\"bold\">meshwire NAT matrix (").append(mode).append(", TURN: ")
                .append(turn.label()).append("): outcome path per cell</text>\n");
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
    static String heatmap(TurnChoice turn, List<CellResult> rs, MatrixPlan plan) {
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
        b.append("<text x=\"10\" y=\"20\" font-size=\"15\" font-weight=\"bold\">meshwire NAT matrix (full, TURN: ")
                .append(turn.label()).append("): path the daemons end on, per pair of site NATs")
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
                .append(esc("\u25cf = physics (RFC 4787, simultaneous open) allows a direct path, \u25cb = only if a race is won; red border and \"!\" = disagrees with physics, or lost/duplicated a message."))
                .append("</text>\n<text x=\"").append(LEFT).append("\" y=\"").append(ly + 50).append("\">")
                .append("Matrix is symmetric (unordered pairs run once); n/a = not part of the matrix.</text>\n");
        return b.append("</svg>\n").toString();
    }

    private static final int CW = 62, CHH = 30, LEFT = 120, GAP = 130, LABELS = 80;   // GAP leaves room for the double-NAT row labels

    /** A row group: optional heading, then one panel per ICE setting side by side; returns the y below it. */
    private static int group(StringBuilder b, int y, String heading, List<Side> rows, List<Side> cols, List<Boolean> modes,
                             int panelW, List<CellResult> rs, MatrixPlan plan) {
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

    private static void cell(StringBuilder b, int x, int y, Side a, Side c, boolean turn, List<CellResult> rs, MatrixPlan plan) {
        CellResult r = find(rs, turn, a, c);
        Physics.Verdict verdict = Physics.verdict(a.routers(), c.routers());
        boolean possible = verdict == Physics.Verdict.DIRECT, race = verdict == Physics.Verdict.RACE;
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
                + (possible ? " (physics: direct possible)" : race ? " (physics: direct depends on timing)" : " (physics: direct impossible)"))).append("</title></rect>\n");
        if (!label.isEmpty()) {
            String shown = label.length() > 11 ? label.substring(0, 11) : label;
            b.append("<text x=\"").append(x + (CW - 2) / 2).append("\" y=\"").append(y + 18)
                    .append("\" text-anchor=\"middle\" font-size=\"10\">").append(esc(shown))
                    .append(r != null && !r.ok() ? " !" : "").append("</text>\n");
        }
        if ((possible || race) && inPlan) b.append("<circle cx=\"").append(x + CW - 8).append("\" cy=\"").append(y + 6)
                .append("\" r=\"2.5\" fill=\"").append(possible ? "#222" : "none").append("\" stroke=\"#222\"/>\n");
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
