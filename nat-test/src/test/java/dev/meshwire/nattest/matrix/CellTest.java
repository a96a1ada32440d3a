package dev.meshwire.nattest.matrix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Pure checks of the matrix's physics expectations and report rendering (no namespaces). */
class CellTest {
    @Test
    void quickMatrixHasFourCellsAndTheirPhysics() {
        var cells = Cell.quick();
        assertEquals(4, cells.size());
        assertTrue(cells.get(0).directPossible());
        assertTrue(cells.get(1).directPossible());
        assertFalse(cells.get(2).directPossible());
        assertFalse(cells.get(3).directPossible());
    }

    @Test
    void expectedPathAlternatives() {
        Cell cone = Cell.quick().get(1);
        assertTrue(cone.agrees("direct srflx"));
        assertTrue(cone.agrees("direct prflx"));
        assertFalse(cone.agrees("direct host"));
        assertFalse(cone.agrees("turn udp"));
        assertTrue(Cell.quick().get(3).agrees("turn tcp"));
        assertFalse(Cell.quick().get(3).agrees("turn udp"));
    }

    @Test
    void directnessDecidesPhysicsAgreement() {
        assertTrue(CellResult.isDirect("direct host"));
        assertFalse(CellResult.isDirect("turn udp"));
        assertFalse(CellResult.isDirect("coordinator relay"));
        assertFalse(CellResult.isDirect(null));
    }
}
