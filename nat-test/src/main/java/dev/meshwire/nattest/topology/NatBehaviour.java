package dev.meshwire.nattest.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What one router does to the traffic of the host behind it.
 *
 * <ul>
 *   <li>{@link Kind#NAT}: a NAT with an RFC 4787 mapping and filtering behaviour.</li>
 *   <li>{@link Kind#UDP_BLOCKED}: a NAT (EIM/APDF for TCP) that drops every forwarded UDP packet, "TCP only".</li>
 *   <li>{@link Kind#NONE}: no NAT and no firewall; the host sits directly on the public bridge.</li>
 * </ul>
 */
public record NatBehaviour(Kind kind, Mapping mapping, Filtering filtering) {

    public enum Kind { NAT, UDP_BLOCKED, NONE }

    public static final NatBehaviour UDP_BLOCKED = new NatBehaviour(Kind.UDP_BLOCKED, null, null);
    public static final NatBehaviour NONE = new NatBehaviour(Kind.NONE, null, null);

    public NatBehaviour {
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.NAT) {
            Objects.requireNonNull(mapping, "mapping");
            Objects.requireNonNull(filtering, "filtering");
        } else if (mapping != null || filtering != null) {
            throw new IllegalArgumentException(kind + " has no mapping/filtering");
        }
    }

    public static NatBehaviour nat(Mapping mapping, Filtering filtering) {
        return new NatBehaviour(Kind.NAT, mapping, filtering);
    }

    /** "EIM-APDF", "UDP_BLOCKED", "NONE": the same labels the probe's classifier produces. */
    public String label() {
        return kind == Kind.NAT ? mapping + "-" + filtering : kind.name();
    }

    public static NatBehaviour parse(String label) {
        String l = label.trim().toUpperCase();
        if (l.equals("NONE")) return NONE;
        if (l.equals("UDP_BLOCKED")) return UDP_BLOCKED;
        String[] p = l.split("-");
        if (p.length != 2) throw new IllegalArgumentException("not a NAT behaviour: " + label);
        return nat(Mapping.valueOf(p[0]), Filtering.valueOf(p[1]));
    }

    /** The nine mapping x filtering combinations, then UDP_BLOCKED and NONE. */
    public static List<NatBehaviour> all() {
        List<NatBehaviour> all = new ArrayList<>();
        for (Mapping m : Mapping.values()) for (Filtering f : Filtering.values()) all.add(nat(m, f));
        all.add(UDP_BLOCKED);
        all.add(NONE);
        return all;
    }

    /**
     * What an outside observer sees through a chain of NATs (inner first). Mapping and filtering compose as
     * "the most dependent / most restrictive layer wins"; any UDP-blocking layer blocks UDP.
     */
    public static NatBehaviour compose(List<NatBehaviour> innerToOuter) {
        if (innerToOuter.isEmpty()) return NONE;
        if (innerToOuter.stream().anyMatch(b -> b.kind == Kind.UDP_BLOCKED)) return UDP_BLOCKED;
        Mapping m = null;
        Filtering f = null;
        for (NatBehaviour b : innerToOuter) {
            if (b.kind == Kind.NONE) continue;
            m = m == null || b.mapping.ordinal() > m.ordinal() ? b.mapping : m;
            f = f == null || b.filtering.ordinal() > f.ordinal() ? b.filtering : f;
        }
        return m == null ? NONE : nat(m, f);
    }

    @Override
    public String toString() {
        return label();
    }
}
