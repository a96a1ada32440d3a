package dev.meshwire.nattest.matrix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.nattest.topology.NatBehaviour;
import org.junit.jupiter.api.Test;

/** The direct-path rule ({@link Physics}) against the classic cone/symmetric results, and the full cell list. */
class PhysicsTest {
    private static boolean d(String a, String b) {
        return Physics.directPossible(NatBehaviour.parse(a), NatBehaviour.parse(b));
    }

    @Test
    void classicResults() {
        assertTrue(d("NONE", "NONE"));
        assertTrue(d("EIM-EIF", "APDM-APDF"));      // full cone vs symmetric
        assertTrue(d("EIM-ADF", "APDM-APDF"));      // restricted cone vs symmetric
        assertFalse(d("EIM-APDF", "APDM-APDF"));    // port-restricted cone vs symmetric
        assertFalse(d("APDM-APDF", "APDM-APDF"));   // symmetric vs symmetric
        assertTrue(d("EIM-APDF", "EIM-APDF"));      // port-restricted cones
        assertTrue(d("APDM-EIF", "APDM-EIF"));      // both answer from a new port, both accept it
        assertFalse(d("APDM-ADF", "APDM-ADF"));     // nobody opens the srflx port for the other
        assertFalse(d("ADM-APDF", "EIM-APDF"));     // ADM sends its check from another port
        assertFalse(d("ADM-EIF", "EIM-APDF"));      // the cone's check lands, the ADM answer from another port does not
        assertTrue(d("ADM-EIF", "EIM-ADF"));        // ...unless the cone filters by address only
        assertTrue(d("NONE", "APDM-APDF"));
    }

    @Test
    void symmetricInAAndB() {
        for (NatBehaviour a : Cell.behaviours())
            for (NatBehaviour b : Cell.behaviours())
                assertEquals(Physics.directPossible(a, b), Physics.directPossible(b, a), a + " / " + b);
    }

    @Test
    void udpBlockedNeverDirect() {
        for (NatBehaviour b : Cell.behaviours()) assertFalse(Physics.directPossible(NatBehaviour.UDP_BLOCKED, b));
    }

    @Test
    void fullMatrixCells() {
        var cells = Cell.full().stream().filter(c -> !c.hasDoubleNat()).toList();   // single-NAT block (CellTest: double NAT)
        long turn = cells.stream().filter(Cell::turn).count();
        assertEquals(66, turn);                    // 11 behaviours, unordered pairs with the diagonal
        long impossible = cells.stream().filter(c -> c.turn() && !c.directPossible()).count();
        assertEquals(impossible, cells.size() - turn);   // one STUN-only variant per impossible pair
        assertTrue(cells.stream().filter(c -> !c.turn()).allMatch(c -> c.expected().equals("coordinator relay")));
        assertTrue(cells.stream().map(Cell::id).distinct().count() == cells.size());
    }
}
