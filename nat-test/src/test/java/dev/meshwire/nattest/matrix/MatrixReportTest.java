package dev.meshwire.nattest.matrix;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The full report's summary and heatmap from made-up results (no namespaces). */
class MatrixReportTest {
    private static CellResult result(Cell c, String path, int recv) {
        return new CellResult(c, path, path, 300, 600, path.startsWith("direct") ? 600 : -1, 10, recv, 0, 10, 10, 0, Map.of(), 
                CellResult.isDirect(path) == c.directPossible(), c.agrees(path), 1000, null, -1, -1);
    }

    @Test
    void summaryAndHeatmapFlagDisagreementsAndLoss() {
        Cell possible = Cell.full().get(0);                 // NONE <-> NONE, TURN on
        Cell impossible = Cell.full().stream().filter(c -> !c.turn()).findFirst().orElseThrow();
        List<CellResult> rs = List.of(result(possible, "turn udp", 10), result(impossible, "coordinator relay", 9));
        String md = MatrixReport.markdown("full", rs, 1000, 10, 97);
        assertTrue(md.contains("PARTIAL: 2 of 97"), md);
        assertTrue(md.contains("direct in 0/1"), md);
        assertTrue(md.contains("**disagrees**"), md);
        assertTrue(md.contains("39/40 messages"), md);
        String svg = MatrixReport.heatmap(rs, 97);
        assertTrue(svg.startsWith("<svg") && svg.contains("stroke=\"#cc0000\"") && svg.contains("PARTIAL"), svg);
    }
}
