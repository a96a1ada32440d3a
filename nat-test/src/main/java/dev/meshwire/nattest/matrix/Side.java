package dev.meshwire.nattest.matrix;

import dev.meshwire.nattest.topology.NatBehaviour;
import dev.meshwire.nattest.topology.SiteSpec;
import java.util.List;

/**
 * One side of a {@link Cell}: a host behind zero, one or two NAT routers (inner first; with two, the outer one is
 * a carrier-grade NAT and 100.64/10 lies between them). The physics of a cell looks at the chain layer by layer
 * ({@link Physics#directPossible(List, List)}); {@link #effective()} is what an outside observer (the probe) sees
 * through the whole chain, shown beside the label.
 *
 * @param label   "EIM-APDF", "NONE", "UDP_BLOCKED"; for a double NAT "EIM-EIF→EIM-ADF" (inner→outer)
 * @param routers the NAT layers from the host outwards (empty: a flat host)
 */
public record Side(String label, List<NatBehaviour> routers) {
    public Side {
        routers = List.copyOf(routers);
        if (routers.size() > 2) throw new IllegalArgumentException("at most two NAT layers");
    }

    /** A site behind one router of behaviour {@code b} (NONE: a flat host). */
    public static Side of(NatBehaviour b) {
        return new Side(b.label(), b.kind() == NatBehaviour.Kind.NONE ? List.of() : List.of(b));
    }

    /** A home router ({@code inner}) behind a CGNAT ({@code outer}). */
    public static Side doubleNat(NatBehaviour inner, NatBehaviour outer) {
        return new Side(inner.label() + "→" + outer.label(), List.of(inner, outer));
    }

    public NatBehaviour effective() {
        return NatBehaviour.compose(routers);
    }

    public boolean isDoubleNat() {
        return routers.size() == 2;
    }

    /**
     * For cell ids: the behaviour in lower case for one layer (as the ids always were, e.g. "eim-apdf",
     * "udp_blocked"), the probe's site name for a double NAT ("dbl-eim-eif-in-eim-adf").
     */
    public String id() {
        if (!isDoubleNat()) return label.toLowerCase();
        return ("dbl-" + routers.get(0).label() + "-in-" + routers.get(1).label()).toLowerCase().replace('_', '-');
    }

    /** The label, plus what the chain looks like from outside when that is not obvious from the label. */
    public String describe() {
        return isDoubleNat() ? label + " (as " + effective() + ")" : label;
    }

    SiteSpec site(String name) {
        return new SiteSpec(name, routers);
    }

    @Override
    public String toString() {
        return label;
    }
}
