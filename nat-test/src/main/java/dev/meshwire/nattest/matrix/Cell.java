package dev.meshwire.nattest.matrix;

import dev.meshwire.nattest.topology.NatBehaviour;
import dev.meshwire.nattest.topology.Mapping;
import dev.meshwire.nattest.topology.Filtering;
import java.util.List;

/**
 * One cell of the matrix: two sites, the ICE servers the coordinator hands out, and what physics allows.
 *
 * @param id           short id ("flat-flat")
 * @param a            site A's NAT
 * @param b            site B's NAT
 * @param turn         the coordinator hands out coturn (UDP and TCP URLs) besides its own STUN
 * @param directPossible whether a direct (non-relayed) UDP path can exist at all between these two NATs
 * @param expected     the path the physics predicts ("direct host", "direct srflx|prflx", "turn udp", "turn tcp")
 */
public record Cell(String id, NatBehaviour a, NatBehaviour b, boolean turn, boolean directPossible, String expected) {

    public static List<Cell> quick() {
        NatBehaviour cone = NatBehaviour.nat(Mapping.EIM, Filtering.APDF);
        NatBehaviour sym = NatBehaviour.nat(Mapping.APDM, Filtering.APDF);
        return List.of(
                new Cell("flat-flat", NatBehaviour.NONE, NatBehaviour.NONE, false, true, "direct host"),
                new Cell("cone-cone-stun", cone, cone, false, true, "direct srflx|prflx"),
                new Cell("sym-sym-turn", sym, sym, true, false, "turn udp"),
                new Cell("udpblocked-turn-tcp", NatBehaviour.UDP_BLOCKED, NatBehaviour.UDP_BLOCKED, true, false, "turn tcp"));
    }

    public String ice() {
        return turn ? "STUN + TURN (udp, tcp)" : "STUN";
    }

    /** Does an observed path agree with the physics? A direct path where none can exist is a harness bug. */
    public boolean agrees(String path) {
        if (path == null) return false;
        for (String e : expected.split("\\|")) {
            String full = e.contains(" ") ? e : expected.substring(0, expected.indexOf(' ')) + " " + e;
            if (path.equals(full)) return true;
        }
        return false;
    }
}
