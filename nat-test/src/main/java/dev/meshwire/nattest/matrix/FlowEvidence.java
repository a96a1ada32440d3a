package dev.meshwire.nattest.matrix;

import dev.meshwire.nattest.topology.Cmd;
import dev.meshwire.nattest.topology.Topology;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Independent evidence of a direct path: the UDP packets a site's outermost NAT router tracked between the two
 * sites' public addresses (conntrack, with accounting switched on for the router's namespace when the cell
 * starts). The daemons' own {@code path} label comes from libwebrtc's stats; this number comes from the kernel,
 * so a cell where the two disagree is visible in the report.
 *
 * <p>Counted are the packets of every UDP conntrack entry naming the other site's public address, in the
 * direction <i>from</i> that address: packets that actually arrived from the peer. ICE checks that a filter
 * dropped never create such a reply (an unanswered check has an entry with zero reply packets), so failed hole
 * punching counts 0 and a working direct channel counts its whole traffic.
 */
public final class FlowEvidence {
    private static final Pattern ENTRY_PART = Pattern.compile(
            "src=(\\S+) dst=(\\S+) sport=\\d+ dport=\\d+(?: packets=(\\d+) bytes=\\d+)?");

    private FlowEvidence() {}

    /** Turns accounting on for a router namespace; without it conntrack shows no packet counters. */
    static void enableAccounting(Topology t, String routerNs) {
        t.exec(routerNs, List.of("sysctl", "-qw", "net.netfilter.nf_conntrack_acct=1"));
    }

    /**
     * Packets the outermost router of {@code site} received directly from {@code peerPublicIp}; -1 if the site has
     * no router (a flat host keeps no conntrack of its own) or conntrack could not be read.
     */
    static long packetsFromPeer(Topology t, Topology.Site site, String peerPublicIp) {
        if (site.routerNs().isEmpty()) return -1;
        String router = site.routerNs().get(site.routerNs().size() - 1);
        Cmd.Result r = t.exec(router, List.of("conntrack", "-L", "-p", "udp"));
        if (!r.ok()) return -1;
        return packetsFrom(r.output(), peerPublicIp);
    }

    /**
     * Sums, over the {@code conntrack -L} lines, the packets of each direction whose source is {@code ip}. An entry
     * has two directions (original, reply); an outbound flow to the peer has the peer as the reply's source, an
     * inbound one (let in by an EIF/ADF rule) as the original's.
     */
    static long packetsFrom(String conntrackListing, String ip) {
        long total = 0;
        for (String line : conntrackListing.split("\n")) {
            Matcher m = ENTRY_PART.matcher(line);
            while (m.find()) {
                if (ip.equals(m.group(1)) && m.group(3) != null) total += Long.parseLong(m.group(3));
            }
        }
        return total;
    }
}
