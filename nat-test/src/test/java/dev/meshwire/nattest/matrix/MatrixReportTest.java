package dev.meshwire.nattest.matrix;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The full report's summary and heatmap from made-up results (no namespaces). */
class MatrixReportTest {
    private static CellResult result(Cell c, String path, int recv) {
        return new CellResult(c, path, path, 300, 600, path.startsWith("direct") ? 600 : -1, 10, recv, 0, 10, 10, 0, Map.of(), 
                CellResult.isDirect(path) == c.directPossible(), c.agrees(path), 1000, null, TurnEvidence.UNKNOWN, -1, -1);
    }

    @Test
    void summaryAndHeatmapFlagDisagreementsAndLoss() {
        Cell possible = Cell.full().get(0);                 // NONE <-> NONE, TURN on
        Cell impossible = Cell.full().stream().filter(c -> !c.turn()).findFirst().orElseThrow();
        List<CellResult> rs = List.of(result(possible, "turn udp", 10), result(impossible, "coordinator relay", 9));
        String md = MarkdownReport.markdown("full", TurnChoice.MESHWIRE, rs, 1000, 10, MatrixPlan.whole(Cell.full()));
        assertTrue(md.contains("PARTIAL: 2 of " + Cell.full().size()), md);
        assertTrue(md.contains("direct in 0/1"), md);
        assertTrue(md.contains("**disagrees**"), md);
        assertTrue(md.contains("39/40 messages"), md);
        String svg = SvgReport.heatmap(TurnChoice.MESHWIRE, rs, MatrixPlan.whole(Cell.full()));
        assertTrue(svg.startsWith("<svg") && svg.contains("stroke=\"#cc0000\"") && svg.contains("PARTIAL"), svg);
    }

    @Test
    void doubleNatRowsGetTheirOwnGridAndRowGroup() {
        List<Cell> plan = Cell.full();
        Cell dbl = plan.stream().filter(c -> c.hasDoubleNat() && c.turn()).findFirst().orElseThrow();
        List<CellResult> rs = List.of(result(plan.get(0), "direct host", 10), result(dbl, "direct srflx", 10));
        String md = MarkdownReport.markdown("full", TurnChoice.MESHWIRE, rs, 1000, 10, MatrixPlan.whole(plan));
        assertTrue(md.contains("### Double NAT"), md);
        assertTrue(md.contains("| **EIM-EIF→EIM-ADF** (as EIM-ADF) | D srflx (d) |"), md);
        String svg = SvgReport.heatmap(TurnChoice.MESHWIRE, rs, MatrixPlan.whole(plan));
        assertTrue(svg.contains("Double NAT: home router → CGNAT") && svg.contains("as APDM-APDF"), svg);
    }

    @Test
    void stunOnlyRunHasOneStunPanelForEveryPair() throws Exception {
        List<Cell> plan = Cell.full(false);
        List<CellResult> rs = List.of(result(plan.get(0), "direct host", 10));
        String md = MarkdownReport.markdown("full-noturn", TurnChoice.NONE, rs, 1000, 10, MatrixPlan.whole(plan));
        assertTrue(md.contains("STUN only (every pair)") && !md.contains("STUN + TURN (udp, tcp), "), md);
        assertTrue(md.contains("`--turn none`"), md);
        String svg = SvgReport.heatmap(TurnChoice.NONE, rs, MatrixPlan.whole(plan));
        assertTrue(svg.contains("ICE: STUN only (every pair)") && !svg.contains("ICE: STUN + TURN"), svg);
        String json = JsonReport.json("full-noturn", TurnChoice.NONE, rs, 1000, 10);
        assertTrue(json.contains("\"mode\" : \"full-noturn\"") && json.contains("\"aRouters\" : [ ]"), json);
    }

    @Test
    void anOnlySubsetShowsJustItsGroupAndIsNotPartial() {
        List<Cell> matrix = Cell.full();
        List<Cell> picked = matrix.stream().filter(c -> c.id().equals("dbl-eim-apdf-in-apdm-eif_apdm-apdf-stun")).toList();
        MatrixPlan plan = new MatrixPlan(matrix, picked);
        List<CellResult> rs = List.of(result(picked.get(0), "direct srflx", 10));
        String md = MarkdownReport.markdown("full", TurnChoice.MESHWIRE, rs, 1000, 10, plan);
        assertFalse(md.contains("PARTIAL") || md.contains("### STUN + TURN") || md.contains("### STUN only"), md);
        // physics says impossible (the inner cone never sent to a symmetric NAT's new port): flagged; the matrix's
        // other cells are "not run"
        assertTrue(md.contains("D srflx !") && md.contains("not run"), md);
        String svg = SvgReport.heatmap(TurnChoice.MESHWIRE, rs, plan);
        assertFalse(svg.contains("ICE: STUN + TURN") || svg.contains("PARTIAL"), svg);
    }

    @Test
    void turnServerAndItsEvidenceAreNamedPerServer() throws Exception {
        Cell sym = Cell.quick().get(3);                     // sym-sym-turn
        CellResult r = new CellResult(sym, "turn udp", "turn udp", 300, 600, -1, 10, 10, 0, 10, 10, 0, Map.of(), true, true,
                1000, null, new TurnEvidence(4, 2), 0, 0);
        String meshwire = MarkdownReport.markdown("quick", TurnChoice.MESHWIRE, List.of(r), 1000, 10, MatrixPlan.whole(Cell.quick()));
        assertTrue(meshwire.contains("TURN server: meshwire's own TURN server") && meshwire.contains("| 4 / 2 |")
                && meshwire.contains("meshwire_turn_allocations_total"), meshwire);
        String coturn = MarkdownReport.markdown("quick-coturn", TurnChoice.COTURN, List.of(r), 1000, 10, MatrixPlan.whole(Cell.quick()));
        assertTrue(coturn.contains("TURN server: coturn") && coturn.contains("coturn's own log"), coturn);
        String json = JsonReport.json("quick", TurnChoice.MESHWIRE, List.of(r), 1000, 10);
        assertTrue(json.contains("\"turnServer\" : \"meshwire\"") && json.contains("\"turnAllocations\" : 4")
                && json.contains("\"turnTcpClients\" : 2"), json);
        assertTrue(SvgReport.svg("quick-coturn", TurnChoice.COTURN, List.of(r)).contains("(quick-coturn, TURN: coturn)"));
    }
}
