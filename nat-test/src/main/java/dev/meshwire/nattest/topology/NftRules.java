package dev.meshwire.nattest.topology;

/**
 * Renders the nftables ruleset of one NAT router (interfaces {@code lan} towards the host, {@code wan} outwards).
 * See docs/nat-traversal.md for why each rule is there; in short:
 *
 * <ul>
 *   <li><b>EIM</b>: {@code masquerade}. Linux NAT keeps the source port when the resulting reply tuple is
 *       unique, so one internal ip:port gets the same external port towards every destination (port
 *       preservation). Linux has no mapping table of its own; EIM is a property of the port choice.</li>
 *   <li><b>ADM</b>: {@code snat to WAN : jhash(saddr . sport . daddr)} for UDP: the external port is a
 *       deterministic function of the internal endpoint and the destination <i>address</i> only.</li>
 *   <li><b>APDM</b>: {@code masquerade fully-random}: every new conntrack (5-tuple) gets a random port.</li>
 *   <li><b>APDF</b>: the conntrack default: only packets matching a conntrack's reply tuple come back in.</li>
 *   <li><b>EIF/ADF</b>: a chain after source NAT records every outbound UDP mapping in a dynamic map
 *       {@code fc} (external port to internal ip . port), and for ADF also {@code (destination address, external
 *       port)} in a dynamic set {@code adf}; a new inbound packet to a recorded port (for ADF: from a recorded
 *       address) is DNATed to the internal endpoint. Entries time out after {@link #MAPPING_TIMEOUT_S} s.</li>
 *   <li>Always: {@code iifname wan ct state new drop} in input, so unsolicited packets to the router itself never
 *       confirm a conntrack entry that would later clash with a mapping (the spike's trap 1).</li>
 *   <li><b>UDP_BLOCKED</b>: EIM/APDF masquerade and {@code meta l4proto udp drop} in forward: only TCP passes.</li>
 * </ul>
 */
public final class NftRules {
    public static final String TABLE = "mwnat";
    public static final int MAPPING_TIMEOUT_S = 120;

    private NftRules() {}

    public static String render(NatBehaviour b, String wanIp) {
        if (b.kind() == NatBehaviour.Kind.NONE) throw new IllegalArgumentException("NONE has no router");
        boolean blocked = b.kind() == NatBehaviour.Kind.UDP_BLOCKED;
        Mapping m = blocked ? Mapping.EIM : b.mapping();
        Filtering f = blocked ? Filtering.APDF : b.filtering();
        boolean record = f != Filtering.APDF;
        StringBuilder r = new StringBuilder();
        r.append("table ip ").append(TABLE).append(" {\n");
        if (record) {
            r.append("  # external UDP port -> internal ip . port, refreshed by every outbound packet\n");
            r.append("  map fc { type inet_service : ipv4_addr . inet_service; flags dynamic,timeout; timeout ")
                    .append(MAPPING_TIMEOUT_S).append("s; }\n");
        }
        if (f == Filtering.ADF) {
            r.append("  # (remote address, external port) pairs the inside has sent to\n");
            r.append("  set adf { type ipv4_addr . inet_service; flags dynamic,timeout; timeout ")
                    .append(MAPPING_TIMEOUT_S).append("s; }\n");
        }
        r.append("  chain prerouting {\n    type nat hook prerouting priority dstnat; policy accept;\n");
        if (f == Filtering.EIF) {
            r.append("    iifname \"wan\" meta l4proto udp dnat ip to udp dport map @fc\n");
        } else if (f == Filtering.ADF) {
            r.append("    iifname \"wan\" meta l4proto udp ip saddr . udp dport @adf dnat ip to udp dport map @fc\n");
        }
        r.append("  }\n");
        r.append("  chain postrouting {\n    type nat hook postrouting priority srcnat; policy accept;\n");
        switch (m) {
            case EIM -> r.append("    oifname \"wan\" masquerade\n");
            case ADM -> {
                r.append("    oifname \"wan\" meta l4proto udp snat ip to ").append(wanIp)
                        .append(" : jhash ip saddr . udp sport . ip daddr mod 16384 offset 32768\n");
                r.append("    oifname \"wan\" masquerade\n");
            }
            case APDM -> r.append("    oifname \"wan\" masquerade fully-random\n");
        }
        r.append("  }\n");
        if (record) {
            r.append("  chain record {\n    type filter hook postrouting priority 300; policy accept;\n");
            r.append("    oifname \"wan\" meta l4proto udp ct direction original update @fc "
                    + "{ ct reply proto-dst : ct original ip saddr . ct original proto-src }\n");
            if (f == Filtering.ADF) {
                r.append("    oifname \"wan\" meta l4proto udp ct direction original update @adf "
                        + "{ ip daddr . ct reply proto-dst }\n");
            }
            r.append("  }\n");
        }
        r.append("  chain input {\n    type filter hook input priority filter; policy accept;\n");
        r.append("    iifname \"wan\" ct state new drop\n  }\n");
        r.append("  chain forward {\n    type filter hook forward priority filter; policy accept;\n");
        if (blocked) r.append("    meta l4proto udp drop\n");
        r.append("  }\n}\n");
        return r.toString();
    }
}
