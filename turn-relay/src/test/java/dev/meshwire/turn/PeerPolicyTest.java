package dev.meshwire.turn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The safe-by-default peer policy (TURN SSRF guard) and its CIDR parsing. */
class PeerPolicyTest {

    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.1", "10.255.255.255", "127.0.0.1", "127.8.9.10", "169.254.1.1", "100.64.0.1",
            "100.127.255.254", "172.16.0.1", "172.31.255.255", "192.168.1.1", "0.0.0.0", "224.0.0.1", "255.255.255.255",
            "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1", "::ffff:10.0.0.1", "::ffff:127.0.0.1",
            "::ffff:192.168.0.1", "64:ff9b::a00:1"})
    void safeDefaultRefuses(String address) throws Exception {
        assertFalse(PeerPolicy.safeDefault().permits(ip(address)), address + " must be refused by default");
    }

    @ParameterizedTest
    @ValueSource(strings = {"8.8.8.8", "1.1.1.1", "100.63.255.255", "100.128.0.0", "172.15.255.255", "172.32.0.0",
            "11.0.0.1", "2001:4860:4860::8888", "::ffff:8.8.8.8"})
    void safeDefaultPermitsPublicAddresses(String address) throws Exception {
        assertTrue(PeerPolicy.safeDefault().permits(ip(address)), address + " is public");
    }

    @Test
    void ipv4MappedIpv6IsJudgedAsIpv4() throws Exception {
        // InetAddress.getByName unmaps ::ffff:a.b.c.d itself; a raw Inet6Address (as a decoder may build) does not
        InetAddress mapped = Inet6Address.getByAddress(null, new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, 10, 0, 0, 1}, -1);
        assertInstanceOf(Inet6Address.class, mapped);
        assertFalse(PeerPolicy.safeDefault().permits(mapped), "::ffff:10.0.0.1");
        InetAddress mappedPublic = Inet6Address.getByAddress(null, new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, 8, 8, 8, 8}, -1);
        assertTrue(PeerPolicy.safeDefault().permits(mappedPublic), "::ffff:8.8.8.8");
    }

    @Test
    void allowLoopbackOpensOnlyLoopback() throws Exception {
        PeerPolicy p = PeerPolicy.safeDefault().withAllowLoopback(true);
        assertTrue(p.permits(ip("127.0.0.1")));
        assertTrue(p.permits(ip("::1")));
        assertTrue(p.permits(ip("::ffff:127.0.0.1")));
        assertFalse(p.permits(ip("10.0.0.1")));
        assertFalse(p.permits(ip("169.254.1.1")));
    }

    @Test
    void operatorAllowOverridesDefaultAndDenyAdds() throws Exception {
        PeerPolicy p = new PeerPolicy(List.of(Cidr.parse("10.1.0.0/16")), List.of(Cidr.parse("8.8.8.0/24")), false);
        assertTrue(p.permits(ip("10.1.2.3")), "allowed explicitly");
        assertFalse(p.permits(ip("10.2.0.1")), "rest of 10/8 still refused");
        assertFalse(p.permits(ip("8.8.8.8")), "denied explicitly");
        assertTrue(p.permits(ip("8.8.4.4")));
        PeerPolicy both = new PeerPolicy(List.of(Cidr.parse("8.8.8.8")), List.of(Cidr.parse("8.8.8.0/24")), false);
        assertTrue(both.permits(ip("8.8.8.8")), "allow is checked before deny");
    }

    @Test
    void cidrParsesAndMatches() throws Exception {
        Cidr c = Cidr.parse("192.168.77.9/16");
        assertEquals("192.168.0.0/16", c.toString(), "host bits cleared");
        assertTrue(c.contains(ip("192.168.255.1")));
        assertFalse(c.contains(ip("192.169.0.1")));
        assertEquals(128, Cidr.parse("fe80::1").prefix());
        assertTrue(Cidr.parse("fc00::/7").contains(ip("fdff::1")));
        assertTrue(Cidr.parse("0.0.0.0/0").contains(ip("1.2.3.4")));
        assertTrue(Cidr.parse("100.64.0.0/10").contains(ip("100.127.0.1")));
        assertFalse(Cidr.parse("100.64.0.0/10").contains(ip("100.128.0.1")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "example.com", "10.0.0.1/33", "10.0.0.1/x", "::1/129", "1.2.3", "10.0.0.0/-1"})
    void cidrRefusesJunkWithAMessage(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cidr.parse(text));
        assertFalse(e.getMessage().isBlank());
    }
}
