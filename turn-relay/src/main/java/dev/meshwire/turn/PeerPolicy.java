package dev.meshwire.turn;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Which peer addresses a TURN client may relay to: the guard against using the relay to reach the server's own
 * networks (TURN SSRF). Decided per CreatePermission, ChannelBind and Send; a refused peer gets 403 Forbidden, as
 * coturn's {@code denied-peer-ip} gives.
 *
 * <p>The rule, in order: an address in {@link #allow} is permitted; else one in {@link #deny} is refused; else one in
 * {@link #DEFAULT_DENY} is refused, except loopback when {@link #allowLoopback}; anything else is permitted. An
 * IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}) is judged as the IPv4 address it carries, so the mapping cannot
 * bypass the IPv4 rules.
 *
 * @param allow          operator overrides that permit (flag {@code --turn-allow-peer CIDR})
 * @param deny           operator additions that refuse (flag {@code --turn-deny-peer CIDR})
 * @param allowLoopback  permit 127/8 and ::1 (flag {@code --turn-allow-loopback-peers}; for tests on one host)
 */
public record PeerPolicy(List<Cidr> allow, List<Cidr> deny, boolean allowLoopback) {

    /**
     * Refused unless allowed explicitly: "this network", RFC 1918 private space, CGNAT, loopback, link-local, the IETF
     * protocol block, multicast, reserved and broadcast; for IPv6 the unspecified and loopback addresses, unique-local,
     * link-local, site-local, multicast and the NAT64 prefix (which reaches IPv4 space through a translator).
     */
    public static final List<Cidr> DEFAULT_DENY = List.of(
            Cidr.parse("0.0.0.0/8"),
            Cidr.parse("10.0.0.0/8"),
            Cidr.parse("100.64.0.0/10"),
            Cidr.parse("127.0.0.0/8"),
            Cidr.parse("169.254.0.0/16"),
            Cidr.parse("172.16.0.0/12"),
            Cidr.parse("192.0.0.0/24"),
            Cidr.parse("192.168.0.0/16"),
            Cidr.parse("224.0.0.0/4"),
            Cidr.parse("240.0.0.0/4"),
            Cidr.parse("::/128"),
            Cidr.parse("::1/128"),
            Cidr.parse("64:ff9b::/96"),
            Cidr.parse("fc00::/7"),
            Cidr.parse("fe80::/10"),
            Cidr.parse("fec0::/10"),
            Cidr.parse("ff00::/8"));

    private static final Cidr LOOPBACK_V4 = Cidr.parse("127.0.0.0/8");
    private static final Cidr LOOPBACK_V6 = Cidr.parse("::1/128");

    public PeerPolicy {
        allow = List.copyOf(allow);
        deny = List.copyOf(deny);
    }

    /** The safe default: {@link #DEFAULT_DENY} and no overrides. */
    public static PeerPolicy safeDefault() {
        return new PeerPolicy(List.of(), List.of(), false);
    }

    public PeerPolicy withAllowLoopback(boolean allow) {
        return new PeerPolicy(this.allow, deny, allow);
    }

    /** Whether relaying to {@code peer} is permitted. */
    public boolean permits(InetAddress peer) {
        InetAddress a = unmapped(peer);
        for (Cidr c : allow) if (c.contains(a)) return true;
        for (Cidr c : deny) if (c.contains(a)) return false;
        if (allowLoopback && (LOOPBACK_V4.contains(a) || LOOPBACK_V6.contains(a))) return true;
        for (Cidr c : DEFAULT_DENY) if (c.contains(a)) return false;
        return true;
    }

    /** {@code ::ffff:a.b.c.d} as {@code a.b.c.d}; any other address unchanged. */
    static InetAddress unmapped(InetAddress a) {
        if (!(a instanceof Inet6Address)) return a;
        byte[] b = a.getAddress();
        for (int i = 0; i < 10; i++) if (b[i] != 0) return a;
        if (b[10] != (byte) 0xff || b[11] != (byte) 0xff) return a;
        try {
            return (Inet4Address) InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are always an IPv4 address", e);
        }
    }
}
