package dev.meshwire.nattest.matrix;

import dev.meshwire.nattest.topology.Filtering;
import dev.meshwire.nattest.topology.Mapping;
import dev.meshwire.nattest.topology.NatBehaviour;

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
 * The <b>response</b> (Y to the check's source {@code X_ip:Xp}) gets through X's NAT when Y maps EIM (it leaves from
 * {@code Ys}, exactly the endpoint X sent to, so every filter lets it in) or X does not filter APDF (an ADM/APDM Y
 * answers from another port of the same IP: EIF and ADF accept that, APDF does not).
 * <p>Direct is possible when this works in at least one direction. NONE (no NAT) counts as EIM+EIF; UDP_BLOCKED
 * never has a direct UDP path. Consequences: APDM-APDF against anything but EIF/ADF-with-EIM is impossible;
 * two APDM (or ADM) sides need an EIF side; EIM-APDF against ADM/APDM needs the other side to filter EIF.
 */
public final class Physics {
    private Physics() {}

    public static boolean directPossible(NatBehaviour a, NatBehaviour b) {
        if (a.kind() == NatBehaviour.Kind.UDP_BLOCKED || b.kind() == NatBehaviour.Kind.UDP_BLOCKED) return false;
        return oneWay(a, b) || oneWay(b, a);
    }

    /** X's check to Y's srflx address arrives and Y's response makes it back. */
    static boolean oneWay(NatBehaviour x, NatBehaviour y) {
        Mapping xm = mapping(x), ym = mapping(y);
        Filtering xf = filtering(x), yf = filtering(y);
        boolean arrives = switch (yf) {
            case EIF -> true;
            case ADF -> ym == Mapping.EIM;
            case APDF -> ym == Mapping.EIM && xm == Mapping.EIM;
        };
        boolean responds = ym == Mapping.EIM || xf != Filtering.APDF;
        return arrives && responds;
    }

    private static Mapping mapping(NatBehaviour b) {
        return b.kind() == NatBehaviour.Kind.NONE ? Mapping.EIM : b.mapping();
    }

    private static Filtering filtering(NatBehaviour b) {
        return b.kind() == NatBehaviour.Kind.NONE ? Filtering.EIF : b.filtering();
    }
}
