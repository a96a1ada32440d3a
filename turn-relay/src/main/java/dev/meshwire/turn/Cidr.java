package dev.meshwire.turn;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An address block such as {@code 10.0.0.0/8} or {@code fc00::/7}. A bare address is a single-host block.
 *
 * @param network the block's first address (host bits are cleared by {@link #parse})
 * @param prefix  the prefix length, 0..32 for IPv4 and 0..128 for IPv6
 */
public record Cidr(InetAddress network, int prefix) {

    public Cidr {
        int max = network.getAddress().length * 8;
        if (prefix < 0 || prefix > max) throw new IllegalArgumentException("prefix /" + prefix + " is out of range for " + network.getHostAddress());
    }

    /**
     * Parses {@code a.b.c.d/n}, {@code x::y/n} or a bare address. Only literals are accepted: a host name is refused
     * (a DNS lookup in a security policy would make the policy depend on DNS).
     *
     * @throws IllegalArgumentException with a message fit for the command line
     */
    public static Cidr parse(String text) {
        if (text == null || text.isBlank()) throw new IllegalArgumentException("empty CIDR");
        String t = text.trim();
        int slash = t.indexOf('/');
        String addr = slash < 0 ? t : t.substring(0, slash);
        if (!addr.matches("[0-9a-fA-F:.]+") || (!addr.contains(":") && !addr.matches("\\d{1,3}(\\.\\d{1,3}){3}"))) {
            throw new IllegalArgumentException("not an IP address or CIDR: '" + text + "'");
        }
        InetAddress a;
        try {
            a = InetAddress.getByName(addr); // a literal: no lookup happens
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address or CIDR: '" + text + "'");
        }
        int bits = a.getAddress().length * 8;
        int prefix;
        if (slash < 0) {
            prefix = bits;
        } else {
            try {
                prefix = Integer.parseInt(t.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad prefix length in '" + text + "'");
            }
            if (prefix < 0 || prefix > bits) throw new IllegalArgumentException("prefix length out of range in '" + text + "'");
        }
        byte[] b = a.getAddress();
        for (int i = 0; i < b.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            b[i] &= (byte) (0xff << (8 - keep));
        }
        try {
            return new Cidr(InetAddress.getByAddress(b), prefix);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a 4- or 16-byte address is always valid", e);
        }
    }

    /** Whether {@code address} lies in this block. An IPv4 address never matches an IPv6 block and vice versa. */
    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        byte[] n = network.getAddress();
        if (a.length != n.length) return false;
        int full = prefix / 8;
        for (int i = 0; i < full; i++) if (a[i] != n[i]) return false;
        int rest = prefix % 8;
        if (rest == 0) return true;
        int mask = 0xff << (8 - rest) & 0xff;
        return (a[full] & mask) == (n[full] & mask);
    }

    @Override
    public String toString() {
        return network.getHostAddress() + "/" + prefix;
    }
}
