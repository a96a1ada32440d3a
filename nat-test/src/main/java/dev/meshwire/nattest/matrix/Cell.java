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

    /**
     * The full matrix: every unordered pair of {@link #behaviours()} (diagonal included) under "STUN + TURN (udp,
     * tcp)", then, for the pairs where physics rules direct out ({@link Physics#directPossible}), the same pair under
     * "STUN" only, which must end on the coordinator relay. A/B order does not matter to the rule, so ordered
     * duplicates are not run.
     */
    public static List<Cell> full() {
        List<NatBehaviour> all = behaviours();
        List<Cell> turn = new java.util.ArrayList<>(), stunOnly = new java.util.ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            for (int j = i; j < all.size(); j++) {
                NatBehaviour a = all.get(i), b = all.get(j);
                boolean direct = Physics.directPossible(a, b);
                boolean blocked = a.kind() == NatBehaviour.Kind.UDP_BLOCKED || b.kind() == NatBehaviour.Kind.UDP_BLOCKED;
                String pair = a.label().toLowerCase() + "_" + b.label().toLowerCase();
                String exp = direct ? "direct host|srflx|prflx" : blocked ? "turn tcp|udp" : "turn udp";
                turn.add(new Cell(pair + "-turn", a, b, true, direct, exp));
                if (!direct) stunOnly.add(new Cell(pair + "-stun", a, b, false, false, "coordinator relay"));
            }
        }
        turn.addAll(stunOnly);
        return turn;
    }

    /** Rows/columns of the full matrix: NONE, the nine mapping x filtering NATs, UDP_BLOCKED. */
    public static List<NatBehaviour> behaviours() {
        List<NatBehaviour> l = new java.util.ArrayList<>();
        l.add(NatBehaviour.NONE);
        for (NatBehaviour b : NatBehaviour.all()) if (b.kind() == NatBehaviour.Kind.NAT) l.add(b);
        l.add(NatBehaviour.UDP_BLOCKED);
        return l;
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
