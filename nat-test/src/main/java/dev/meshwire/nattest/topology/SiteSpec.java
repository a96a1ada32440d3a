package dev.meshwire.nattest.topology;

import java.util.List;

/**
 * One peer site: a host namespace behind zero or more NAT routers (inner first). With no router the host is
 * "flat" on the public bridge; with two the outer one plays a carrier-grade NAT (CGNAT, 100.64.0.0/10 between them).
 *
 * @param name    short label used in reports ("eim-apdf", "double-nat")
 * @param routers NAT layers from the host outwards; every element must be of kind NAT or UDP_BLOCKED
 */
public record SiteSpec(String name, List<NatBehaviour> routers) {
    public SiteSpec {
        routers = List.copyOf(routers);
        if (routers.size() > 2) throw new IllegalArgumentException("at most two NAT layers (home + CGNAT)");
        for (NatBehaviour b : routers) {
            if (b.kind() == NatBehaviour.Kind.NONE) throw new IllegalArgumentException("NONE is a flat site, not a router");
        }
        if (!name.matches("[a-z0-9-]{1,24}")) throw new IllegalArgumentException("bad site name " + name);
    }

    public static SiteSpec of(NatBehaviour b) {
        return new SiteSpec(b.label().toLowerCase().replace('_', '-'),
                b.kind() == NatBehaviour.Kind.NONE ? List.of() : List.of(b));
    }

    public boolean flat() {
        return routers.isEmpty();
    }

    /** The behaviour an outside probe should observe for this site. */
    public NatBehaviour expected() {
        return NatBehaviour.compose(routers);
    }
}
