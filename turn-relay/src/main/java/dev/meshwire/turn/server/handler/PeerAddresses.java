package dev.meshwire.turn.server.handler;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.ice4j.TransportAddress;
import org.ice4j.attribute.XorPeerAddressAttribute;

/** Reading XOR-PEER-ADDRESS into a plain {@link InetSocketAddress} (the key type of the permission tables). */
final class PeerAddresses {
    private PeerAddresses() {}

    static InetSocketAddress of(XorPeerAddressAttribute attr, byte[] tid) {
        TransportAddress t = attr.getAddress(tid);
        return new InetSocketAddress(t.getAddress(), t.getPort());
    }

    /** Whether {@code peer} has the relay's address family (else 443). */
    static boolean sameFamily(InetAddress peer, InetSocketAddress relay) {
        return (peer instanceof Inet6Address) == (relay.getAddress() instanceof Inet6Address);
    }
}
