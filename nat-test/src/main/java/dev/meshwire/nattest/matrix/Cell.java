package dev.meshwire.nattest.matrix;

import dev.meshwire.nattest.topology.Filtering;
import dev.meshwire.nattest.topology.Mapping;
import dev.meshwire.nattest.topology.NatBehaviour;
import java.util.ArrayList;
import java.util.List;

/**
 * One cell of the matrix: two sites, the ICE servers the coordinator hands out, and what physics allows.
 *
 * @param id           short id ("flat-flat")
 * @param a            site A (one or two NAT layers, or none)
 * @param b            site B
 * @param turn         the coordinator hands out coturn (UDP and TCP URLs) besides its own STUN
 * @param directPossible whether a direct (non-relayed) UDP path can exist at all between these two sites
 * @param expected     the path the physics predicts ("direct host", "direct srflx|prflx", "turn udp", "turn tcp",
 *                     "coordinator relay")
 */
public record Cell(String id, Side a, Side b, boolean turn, boolean directPossible, String expected) {
    static final String RELAY = "coordinator relay";

    /** The quick matrix with coturn ({@code --turn coturn}). */
    public static List<Cell> quick() {
        return quick(true);
    }

    /**
     * Flat, cone with STUN, (with TURN: restricted cone against symmetric), symmetric on both sides, UDP blocked on
     * both sides. Without TURN
     * ({@code withTurn false}) the last two have no relay candidate left, so they must end on the coordinator relay.
     */
    public static List<Cell> quick(boolean withTurn) {
        Side none = Side.of(NatBehaviour.NONE);
        Side cone = Side.of(NatBehaviour.nat(Mapping.EIM, Filtering.APDF));
        Side sym = Side.of(NatBehaviour.nat(Mapping.APDM, Filtering.APDF));
        Side blocked = Side.of(NatBehaviour.UDP_BLOCKED);
        List<Cell> cells = new ArrayList<>(List.of(
                new Cell("flat-flat", none, none, false, true, "direct host"),
                new Cell("cone-cone-stun", cone, cone, false, true, "direct srflx|prflx")));
        if (withTurn) {
            // ICE may open on the TURN pair first; the restricted cone lets the symmetric side's check in, so the
            // pair must end direct: this proves direct is preferred (and the path label follows ICE's switch).
            cells.add(new Cell("rcone-sym-turn", Side.of(NatBehaviour.nat(Mapping.EIM, Filtering.ADF)), sym, true, true,
                    "direct srflx|prflx"));
            // TURN over either transport: with both URLs handed out, a busy machine sometimes gets TCP first
            cells.add(new Cell("sym-sym-turn", sym, sym, true, false, "turn udp|tcp"));
            cells.add(new Cell("udpblocked-turn-tcp", blocked, blocked, true, false, "turn tcp"));
        } else {
            cells.add(new Cell("sym-sym-stun", sym, sym, false, false, RELAY));
            cells.add(new Cell("udpblocked-stun", blocked, blocked, false, false, RELAY));
        }
        return List.copyOf(cells);
    }

    /** The full matrix with coturn ({@code --turn coturn}). */
    public static List<Cell> full() {
        return full(true);
    }

    /**
     * The full matrix: every unordered pair of {@link #behaviours()} (diagonal included), then the double-NAT pairs
     * ({@link #doubleNatPairs()}). With TURN, each pair runs under "STUN + TURN (udp, tcp)" and, where physics rules
     * direct out ({@link Physics#directPossible} on the two NAT chains), once more under "STUN" only, which
     * must end on the coordinator relay. Without TURN ({@code withTurn false}) every pair runs once, STUN only.
     * A/B order does not matter to the rule, so ordered duplicates are not run.
     */
    public static List<Cell> full(boolean withTurn) {
        List<Side> single = behaviours().stream().map(Side::of).toList();
        List<Side[]> singlePairs = new ArrayList<>();
        for (int i = 0; i < single.size(); i++) {
            for (int j = i; j < single.size(); j++) singlePairs.add(new Side[] {single.get(i), single.get(j)});
        }
        // the single-NAT block first, so its cells keep the order (and ids) of the earlier reports
        List<Cell> cells = new ArrayList<>(block(singlePairs, withTurn));
        cells.addAll(block(doubleNatPairs(), withTurn));
        return cells;
    }

    /** TURN cells of the pairs, then their STUN-only variants. */
    private static List<Cell> block(List<Side[]> pairs, boolean withTurn) {
        List<Cell> turn = new ArrayList<>(), stunOnly = new ArrayList<>();
        for (Side[] p : pairs) {
            Side a = p[0], b = p[1];
            Physics.Verdict verdict = Physics.verdict(a.routers(), b.routers());
            boolean direct = verdict == Physics.Verdict.DIRECT, race = verdict == Physics.Verdict.RACE;
            boolean blocked = a.effective().kind() == NatBehaviour.Kind.UDP_BLOCKED
                    || b.effective().kind() == NatBehaviour.Kind.UDP_BLOCKED;
            String pair = a.id() + "_" + b.id();
            String anyDirect = "direct host|srflx|prflx";
            String viaTurn = blocked ? "turn tcp|udp" : "turn udp";
            if (withTurn) turn.add(new Cell(pair + "-turn", a, b, true, direct,
                    direct ? anyDirect : race ? anyDirect + "|" + viaTurn : viaTurn));
            if (!withTurn || !direct) stunOnly.add(new Cell(pair + "-stun", a, b, false, direct,
                    direct ? anyDirect : race ? anyDirect + "|" + RELAY : RELAY));
        }
        turn.addAll(stunOnly);
        return turn;
    }

    /** Rows/columns of the full matrix: NONE, the nine mapping x filtering NATs, UDP_BLOCKED. */
    public static List<NatBehaviour> behaviours() {
        List<NatBehaviour> l = new ArrayList<>();
        l.add(NatBehaviour.NONE);
        for (NatBehaviour b : NatBehaviour.all()) if (b.kind() == NatBehaviour.Kind.NAT) l.add(b);
        l.add(NatBehaviour.UDP_BLOCKED);
        return l;
    }

    /**
     * The two double-NAT (CGNAT-like) sites whose composed behaviour the probe verified
     * (nat-test/reports/nat-behaviours.md): a full-cone home router behind an address-restricted CGNAT (looks like
     * EIM-ADF) and a port-restricted home router behind a port-randomising CGNAT (looks like APDM-APDF).
     */
    public static List<Side> doubleNatSides() {
        return List.of(
                Side.doubleNat(NatBehaviour.nat(Mapping.EIM, Filtering.EIF), NatBehaviour.nat(Mapping.EIM, Filtering.ADF)),
                Side.doubleNat(NatBehaviour.nat(Mapping.EIM, Filtering.APDF), NatBehaviour.nat(Mapping.APDM, Filtering.EIF)));
    }

    /** The single-NAT sites each double-NAT site is paired with: no NAT, the cone extremes, symmetric, UDP blocked. */
    public static List<Side> doubleNatPartners() {
        return List.of(Side.of(NatBehaviour.NONE), Side.of(NatBehaviour.nat(Mapping.EIM, Filtering.EIF)),
                Side.of(NatBehaviour.nat(Mapping.EIM, Filtering.APDF)), Side.of(NatBehaviour.nat(Mapping.APDM, Filtering.APDF)),
                Side.of(NatBehaviour.UDP_BLOCKED));
    }

    /** Each double-NAT site against each partner, then the double-NAT sites against each other. */
    static List<Side[]> doubleNatPairs() {
        List<Side> dbl = doubleNatSides();
        List<Side[]> pairs = new ArrayList<>();
        for (Side d : dbl) for (Side p : doubleNatPartners()) pairs.add(new Side[] {d, p});
        for (int i = 0; i < dbl.size(); i++) {
            for (int j = i + 1; j < dbl.size(); j++) pairs.add(new Side[] {dbl.get(i), dbl.get(j)});
        }
        return pairs;
    }

    /** Physics cannot tell: direct depends on which packet reaches a NAT first ({@link Physics.Verdict#RACE}). */
    public boolean race() {
        return Physics.verdict(a.routers(), b.routers()) == Physics.Verdict.RACE;
    }

    /** Whether both observed paths are what physics allows: direct iff possible, either outcome for a race. */
    public boolean physicsAgrees(String pathA, String pathB) {
        if (pathA == null || pathB == null || pathA.equals("failed") || pathB.equals("failed")) return false;
        if (race()) return CellResult.isDirect(pathA) == CellResult.isDirect(pathB);
        return CellResult.isDirect(pathA) == directPossible && CellResult.isDirect(pathB) == directPossible;
    }

    public boolean hasDoubleNat() {
        return a.isDoubleNat() || b.isDoubleNat();
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
