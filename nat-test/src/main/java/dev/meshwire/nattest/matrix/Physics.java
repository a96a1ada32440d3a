package dev.meshwire.nattest.matrix;

import dev.meshwire.nattest.topology.Filtering;
import dev.meshwire.nattest.topology.Mapping;
import dev.meshwire.nattest.topology.NatBehaviour;
import java.util.List;

/**
 * Can a direct UDP path exist between two sites? RFC 4787 reasoning for ICE as the daemons do it: both sides learn
 * their server-reflexive address from the coordinator's STUN (an IP that is neither site's), both send
 * connectivity checks to the other's srflx address at the same time (simultaneous open), a check that arrives
 * teaches the receiver a peer-reflexive candidate, and the response goes back to the check's source address.
 *
 * <p>A check from X to Y's srflx address ({@code Y_ip:Ys}, the mapping Y made towards STUN) <b>arrives</b> when
 * <ul>
 *   <li>Y filters EIF (any sender may use an existing mapping), or</li>
 *   <li>Y filters ADF and Y maps EIM: Y's own checks to {@code X_ip} leave from {@code Ys} and open it for X's IP
 *       (ADM/APDM send them from another port, so {@code Ys} stays open only for the STUN server), or</li>
 *   <li>Y filters APDF, Y maps EIM <i>and X maps EIM</i>: Y opened {@code Ys} only for X's srflx
 *       {@code X_ip:Xs}, and only an EIM X sends its check from {@code Xs}.</li>
 * </ul>
 * Once one check arrives the path works both ways, whatever Y's mapping: the NAT keeps a session for the inbound
 * packet (a conntrack entry here, a session-table entry in a home router), so Y's response and Y's own triggered
 * check to the peer-reflexive {@code X_ip:Xp} leave from {@code Ys} again, which is exactly the endpoint X sent to,
 * and every X filter lets them in. (The first version of this rule also required an ADM/APDM Y to answer from
 * its mapping towards X; the full matrix showed six such pairs going direct, which is how the session rule was
 * found.)
 * <p>Direct is possible when a check arrives in at least one direction. NONE (no NAT) counts as EIM+EIF;
 * UDP_BLOCKED never has a direct UDP path. Consequences: anything reaches an EIF side; an EIM-ADF side is
 * reachable from everyone; an EIM-APDF side only from EIM sides; ADM/APDM with ADF/APDF is unreachable, so two
 * of them (or one and an EIM-APDF) need TURN.
 */
public final class Physics {
    private Physics() {}

    public static boolean directPossible(NatBehaviour a, NatBehaviour b) {
        return directPossible(chain(a), chain(b));
    }

    /**
     * The same rule for sites behind a chain of NATs (inner first; empty = flat host). A check must pass every
     * layer's filter on its way in, and each layer judges it by what <i>that</i> layer has sent: a layer's mapping
     * towards the peer is the STUN-facing one only if it and every layer inside it map EIM (an inner ADM/APDM
     * hands the outer layer a new source port, so the outer one makes a new mapping too). Inner layers see the
     * peer's real address, because the outer layer translates only the destination of inbound packets. And a
     * non-EIM layer in front of a filtering one makes direct a race ({@link Verdict#RACE}, see {@link #oneWay}),
     * not counted as possible: an APDM-EIF CGNAT in front of a port-restricted cone went direct against an EIM-APDF
     * peer in 2 of 9 runs.
     */
    public static boolean directPossible(List<NatBehaviour> a, List<NatBehaviour> b) {
        return verdict(a, b) == Verdict.DIRECT;
    }

    /** What physics says about a pair of NAT chains: a direct path ICE can count on, one that depends on timing, none. */
    public enum Verdict { DIRECT, RACE, NONE }

    public static Verdict verdict(List<NatBehaviour> a, List<NatBehaviour> b) {
        if (blocked(a) || blocked(b)) return Verdict.NONE;
        Verdict ab = oneWay(a, b), ba = oneWay(b, a);
        if (ab == Verdict.DIRECT || ba == Verdict.DIRECT) return Verdict.DIRECT;
        return ab == Verdict.RACE || ba == Verdict.RACE ? Verdict.RACE : Verdict.NONE;
    }

    /** Whether X's check to Y's srflx address gets through every NAT of Y (the response rides the session it made). */
    static Verdict oneWay(List<NatBehaviour> x, List<NatBehaviour> y) {
        boolean xEim = allEim(x);
        boolean insideEim = true;       // every layer of Y up to and including this one maps EIM
        boolean innerFilters = false;   // some layer inside this one filters (ADF/APDF)
        boolean race = false;
        for (NatBehaviour layer : y) {
            insideEim &= mapping(layer) == Mapping.EIM;
            boolean passes = switch (filtering(layer)) {
                case EIF -> true;
                case ADF -> insideEim;
                case APDF -> insideEim && xEim;
            };
            if (!passes) return Verdict.NONE;
            // An inner filter opens only once the host has sent to X, and that packet makes a non-EIM layer out
            // here pick a fresh mapping for the flow, which competes with the inbound session X's check would
            // create (in Linux the DNAT's reply tuple clashes with it). The check gets in only if it reaches this
            // layer before the host's first packet to X leaves it: a race, not a path ICE can count on.
            race |= mapping(layer) != Mapping.EIM && innerFilters;
            innerFilters |= filtering(layer) != Filtering.EIF;
        }
        return race ? Verdict.RACE : Verdict.DIRECT;
    }

    private static List<NatBehaviour> chain(NatBehaviour b) {
        return b.kind() == NatBehaviour.Kind.NONE ? List.of() : List.of(b);
    }

    private static boolean blocked(List<NatBehaviour> chain) {
        return chain.stream().anyMatch(l -> l.kind() == NatBehaviour.Kind.UDP_BLOCKED);
    }

    private static boolean allEim(List<NatBehaviour> chain) {
        return chain.stream().allMatch(l -> mapping(l) == Mapping.EIM);
    }

    private static Mapping mapping(NatBehaviour b) {
        return b.kind() == NatBehaviour.Kind.NONE ? Mapping.EIM : b.mapping();
    }

    private static Filtering filtering(NatBehaviour b) {
        return b.kind() == NatBehaviour.Kind.NONE ? Filtering.EIF : b.filtering();
    }
}
