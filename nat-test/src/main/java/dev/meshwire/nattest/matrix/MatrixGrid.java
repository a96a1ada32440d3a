package dev.meshwire.nattest.matrix;

import java.util.ArrayList;
import java.util.List;

/** How the reports lay out and label results: the grid of sides, the ICE panels, short outcome labels. */
final class MatrixGrid {
    private MatrixGrid() {}

    static String packets(long v) {
        return v < 0 ? "–" : Long.toString(v);
    }

    static String ms(long v) {
        return v < 0 ? "never" : v + " ms";
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


    static CellResult find(List<CellResult> rs, boolean turn, Side x, Side y) {
        for (CellResult r : rs) {
            if (matches(r.cell(), turn, x, y)) return r;
        }
        return null;
    }

    static boolean inMatrix(MatrixPlan plan, boolean turn, Side x, Side y) {
        return plan.matrix().stream().anyMatch(c -> matches(c, turn, x, y));
    }

    /** A/B order does not matter: the matrix runs unordered pairs. */
    private static boolean matches(Cell c, boolean turn, Side x, Side y) {
        return c.turn() == turn && ((c.a().equals(x) && c.b().equals(y)) || (c.a().equals(y) && c.b().equals(x)));
    }

    /** The ICE settings of the cells picked: true = STUN + TURN, false = STUN only; TURN first. */
    static List<Boolean> iceModes(MatrixPlan plan) {
        List<Boolean> modes = new ArrayList<>();
        if (plan.cells().stream().anyMatch(Cell::turn)) modes.add(true);
        if (plan.cells().stream().anyMatch(c -> !c.turn())) modes.add(false);
        return modes;
    }

    static String iceTitle(boolean turn, MatrixPlan plan) {
        if (turn) return "STUN + TURN (udp, tcp)";
        boolean everyPair = plan.matrix().stream().anyMatch(c -> !c.turn() && c.directPossible());
        return everyPair ? "STUN only (every pair)" : "STUN only (only pairs where direct is impossible)";
    }

    /** The double-NAT sites of the cells picked, as grid rows; empty when there are none. */
    static List<Side> doubleNatRows(MatrixPlan plan) {
        return Cell.doubleNatSides().stream()
                .filter(d -> plan.cells().stream().anyMatch(c -> c.a().equals(d) || c.b().equals(d))).toList();
    }

    static List<Side> doubleNatColumns(List<Side> rows) {
        List<Side> cols = new java.util.ArrayList<>(Cell.doubleNatPartners());
        cols.addAll(rows);
        return cols;
    }

    static List<Side> singleSides() {
        return Cell.behaviours().stream().map(Side::of).toList();
    }
}
