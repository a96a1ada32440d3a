package dev.meshwire.nattest.matrix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.nattest.topology.NatBehaviour;
import java.util.List;
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
        assertTrue(d("ADM-EIF", "EIM-APDF"));       // the cone's check lands on the EIF side; the answer rides its session
        assertTrue(d("APDM-EIF", "APDM-APDF"));     // ...even when the EIF side maps per port
        assertFalse(d("ADM-ADF", "ADM-ADF"));       // each opens its srflx port for the STUN server only
        assertTrue(d("ADM-EIF", "EIM-ADF"));
        assertTrue(d("NONE", "APDM-APDF"));
    }

    private static List<NatBehaviour> chain(String... layers) {
        return java.util.Arrays.stream(layers).map(NatBehaviour::parse).toList();
    }

    @Test
    void aSingleLayerChainIsTheSingleNatRule() {
        for (NatBehaviour a : Cell.behaviours())
            for (NatBehaviour b : Cell.behaviours()) {
                List<NatBehaviour> ca = a.kind() == NatBehaviour.Kind.NONE ? List.of() : List.of(a);
                List<NatBehaviour> cb = b.kind() == NatBehaviour.Kind.NONE ? List.of() : List.of(b);
                assertEquals(Physics.directPossible(a, b), Physics.directPossible(ca, cb), a + " / " + b);
            }
    }

    @Test
    void doubleNatIsJudgedLayerByLayerNotByItsComposedLook() {
        // An outer ADF layer is open towards the peer only if every layer up to it maps EIM.
        assertTrue(Physics.directPossible(chain("EIM-EIF", "EIM-ADF"), chain("APDM-APDF")));
        assertFalse(Physics.directPossible(chain("APDM-EIF", "EIM-ADF"), chain("APDM-APDF")));
        // EIF all the way in: the check reaches the host whatever the layers map.
        assertTrue(Physics.directPossible(chain("APDM-EIF", "EIM-EIF"), chain("APDM-APDF")));
        assertFalse(Physics.directPossible(chain("EIM-EIF", "UDP_BLOCKED"), chain()));
    }

    @Test
    void aFreshMappingInFrontOfAnInnerFilterIsARaceNotAPath() {
        // Looks APDM-APDF from outside. The EIF CGNAT would let an EIM peer's check in, but the inner cone admits
        // it only after the host sent to the peer, and that packet takes a fresh CGNAT port: 2 of 9 runs went direct.
        List<NatBehaviour> cgnatApdmEifOverPortRestricted = chain("EIM-APDF", "APDM-EIF");
        assertFalse(Physics.directPossible(cgnatApdmEifOverPortRestricted, chain("EIM-APDF")));
        assertEquals(Physics.Verdict.RACE, Physics.verdict(cgnatApdmEifOverPortRestricted, chain("EIM-APDF")));
        assertEquals(Physics.Verdict.NONE, Physics.verdict(cgnatApdmEifOverPortRestricted, chain("APDM-APDF")));
        // ...the same CGNAT alone keeps the single-NAT verdict (no filter inside it): reachable from anyone.
        assertTrue(Physics.directPossible(chain("APDM-EIF"), chain("EIM-APDF")));
        // ...and a peer that filters EIF itself still gets there the other way round.
        assertTrue(Physics.directPossible(cgnatApdmEifOverPortRestricted, chain("EIM-EIF")));
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
