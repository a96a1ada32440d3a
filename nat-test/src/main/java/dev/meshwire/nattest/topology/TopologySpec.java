package dev.meshwire.nattest.topology;

import java.util.List;

/**
 * A whole topology: one public namespace (bridge {@code br0} with {@link #PUBLIC_IP_1} and {@link #PUBLIC_IP_2},
 * a black-hole default route) and the sites hanging off it.
 *
 * @param prefix namespace name prefix, must start with {@link Topology#PREFIX}; the JVM pid follows it so that
 *               {@code cleanup-stale} can tell a dead run's namespaces from a live one's
 */
public record TopologySpec(String prefix, List<SiteSpec> sites) {
    public static final String PUBLIC_IP_1 = "203.0.113.1";
    public static final String PUBLIC_IP_2 = "203.0.113.2";

    public TopologySpec {
        sites = List.copyOf(sites);
        if (!prefix.startsWith(Topology.PREFIX)) throw new IllegalArgumentException("prefix must start with " + Topology.PREFIX);
        if (sites.size() > 80) throw new IllegalArgumentException("at most 80 sites");
        long distinct = sites.stream().map(SiteSpec::name).distinct().count();
        if (distinct != sites.size()) throw new IllegalArgumentException("site names must be unique");
    }

    /** A prefix unique to this JVM ({@code mwnt-<pid>-}), plus a tag so one JVM can hold several topologies. */
    public static String defaultPrefix(String tag) {
        return Topology.PREFIX + ProcessHandle.current().pid() + "-" + tag;
    }
}
