package dev.meshwire.nattest.matrix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.nattest.topology.NatBehaviour;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pure checks of the matrix's physics expectations and report rendering (no namespaces). */
class CellTest {
    @Test
    void quickMatrixHasFiveCellsAndTheirPhysics() {
        var cells = Cell.quick();
        assertEquals(5, cells.size());
        assertTrue(cells.get(0).directPossible());
        assertTrue(cells.get(1).directPossible());
        assertTrue(cells.get(2).directPossible());     // restricted cone vs symmetric, with TURN on offer
        assertFalse(cells.get(3).directPossible());
        assertFalse(cells.get(4).directPossible());
        assertTrue(cells.get(3).agrees("turn udp") && cells.get(3).agrees("turn tcp"));
    }

    @Test
    void expectedPathAlternatives() {
        Cell cone = Cell.quick().get(1);
        assertTrue(cone.agrees("direct srflx"));
        assertTrue(cone.agrees("direct prflx"));
        assertFalse(cone.agrees("direct host"));
        assertFalse(cone.agrees("turn udp"));
        assertTrue(Cell.quick().get(4).agrees("turn tcp"));
        assertFalse(Cell.quick().get(4).agrees("turn udp"));
    }

    @Test
    void directnessDecidesPhysicsAgreement() {
        assertTrue(CellResult.isDirect("direct host"));
        assertFalse(CellResult.isDirect("turn udp"));
        assertFalse(CellResult.isDirect("coordinator relay"));
        assertFalse(CellResult.isDirect(null));
    }

    @Test
    void quickWithoutTurnEndsOnTheRelayWhereDirectIsImpossible() {
        List<Cell> cells = Cell.quick(false);
        assertEquals(List.of("flat-flat", "cone-cone-stun", "sym-sym-stun", "udpblocked-stun"), cells.stream().map(Cell::id).toList());
        assertTrue(cells.stream().noneMatch(Cell::turn));
        assertTrue(cells.get(0).agrees("direct host"));
        assertTrue(cells.get(1).agrees("direct srflx") && cells.get(1).agrees("direct prflx"));
        for (Cell c : cells.subList(2, 4)) {
            assertFalse(c.directPossible());
            assertTrue(c.agrees("coordinator relay"), c.id());
            assertFalse(c.agrees("turn udp"), c.id());
        }
    }

    @Test
    void aRaceCellAcceptsEitherOutcomeButNotAHalfDirectOne() {
        Cell race = Cell.full().stream().filter(c -> c.id().equals("dbl-eim-apdf-in-apdm-eif_eim-apdf-turn")).findFirst().orElseThrow();
        assertTrue(race.race());
        assertTrue(race.physicsAgrees("direct srflx", "direct srflx"));
        assertTrue(race.physicsAgrees("turn udp", "turn udp"));
        assertFalse(race.physicsAgrees("direct prflx", "turn udp"));
        assertTrue(race.agrees("turn udp") && race.agrees("direct srflx"));
        Cell sure = Cell.full().get(0);   // none_none-turn
        assertFalse(sure.race());
        assertFalse(sure.physicsAgrees("turn udp", "turn udp"));
    }

    @Test
    void fullWithoutTurnRunsEveryPairOnceStunOnly() {
        List<Cell> cells = Cell.full(false);
        assertEquals(66 + 11, cells.size());            // 11 behaviours' unordered pairs, then 11 double-NAT pairs
        assertTrue(cells.stream().noneMatch(Cell::turn));
        assertEquals(cells.size(), cells.stream().map(Cell::id).distinct().count());
        for (Cell c : cells) {
            String expected = c.directPossible() ? "direct host|srflx|prflx"
                    : c.race() ? "direct host|srflx|prflx|coordinator relay" : "coordinator relay";
            assertEquals(expected, c.expected(), c.id());
            assertTrue(c.id().endsWith("-stun"), c.id());
        }
    }

    @Test
    void doubleNatSidesComposeAsTheProbeObserved() {
        List<Side> dbl = Cell.doubleNatSides();
        assertEquals("dbl-eim-eif-in-eim-adf", dbl.get(0).id());
        assertEquals(NatBehaviour.parse("EIM-ADF"), dbl.get(0).effective());
        assertEquals("dbl-eim-apdf-in-apdm-eif", dbl.get(1).id());
        assertEquals(NatBehaviour.parse("APDM-APDF"), dbl.get(1).effective());
        assertEquals(List.of(NatBehaviour.parse("EIM-APDF"), NatBehaviour.parse("APDM-EIF")), dbl.get(1).site("b").routers());
        assertEquals("EIM-EIF→EIM-ADF (as EIM-ADF)", dbl.get(0).describe());
        assertEquals("udp_blocked", Side.of(NatBehaviour.UDP_BLOCKED).id());   // single-NAT ids as in earlier reports
        assertTrue(Side.of(NatBehaviour.NONE).site("a").flat());
    }

    @Test
    void fullMatrixAddsDoubleNatRowsWithPhysicsFromTheNatChains() {
        List<Cell> full = Cell.full();
        List<Cell> dbl = full.stream().filter(Cell::hasDoubleNat).toList();
        assertEquals(full.subList(full.size() - dbl.size(), full.size()), dbl);   // after the single-NAT block
        List<Cell> turn = dbl.stream().filter(Cell::turn).toList();
        assertEquals(11, turn.size());                  // 2 sites x 5 partners + the two against each other
        for (Cell c : dbl) {
            assertEquals(Physics.directPossible(c.a().routers(), c.b().routers()), c.directPossible(), c.id());
        }
        // STUN-only variants exactly where physics rules direct out
        List<String> stun = dbl.stream().filter(c -> !c.turn()).map(Cell::id).toList();
        assertEquals(turn.stream().filter(c -> !c.directPossible()).map(c -> c.id().replace("-turn", "-stun")).toList(), stun);
        assertTrue(stun.contains("dbl-eim-apdf-in-apdm-eif_apdm-apdf-stun"), stun.toString());   // symmetric-looking CGNAT vs symmetric
        assertTrue(turn.stream().anyMatch(c -> c.id().equals("dbl-eim-eif-in-eim-adf_dbl-eim-apdf-in-apdm-eif-turn") && c.directPossible()));
        assertTrue(dbl.stream().filter(c -> c.b().effective().kind() == NatBehaviour.Kind.UDP_BLOCKED && c.turn())
                .allMatch(c -> c.expected().equals("turn tcp|udp")));
    }
}
