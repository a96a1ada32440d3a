package dev.meshwire.turn.server.handler;

import dev.meshwire.turn.server.alloc.Allocation;
import dev.meshwire.turn.server.auth.Authenticator;
import dev.meshwire.turn.server.stun.Responses;
import dev.meshwire.turn.server.stun.Stun;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.attribute.Attribute;
import org.ice4j.attribute.AttributeFactory;
import org.ice4j.attribute.LifetimeAttribute;
import org.ice4j.attribute.RequestedTransportAttribute;
import org.ice4j.attribute.ReservationTokenAttribute;
import org.ice4j.message.Response;

/**
 * Allocate (RFC 8656 §7.2): a retransmission on the same 5-tuple gets the first answer again; another Allocate on an
 * allocated 5-tuple gets 437; REQUESTED-TRANSPORT must be UDP (442); the user and total quotas give 486; the relay
 * socket comes from the port range (508 when it is exhausted), or from an EVEN-PORT reservation.
 */
final class AllocateHandler {
    private final TurnContext ctx;
    private final Gate gate;

    AllocateHandler(TurnContext ctx, Gate gate) {
        this.ctx = ctx;
        this.gate = gate;
    }

    void handle(Exchange x) {
        Authenticator.Accepted who = gate.admit(x);
        if (who == null) return;
        byte[] key = who.key();
        Allocation existing = ctx.table().find(x.link());
        if (existing != null) {
            if (existing.isRetransmissionOf(x.tid())) x.reply(existing.allocateResponse());
            else gate.refuse(x, Stun.ALLOCATION_MISMATCH, "allocation_mismatch", key);
            return;
        }
        var m = x.message();
        RequestedTransportAttribute rt = (RequestedTransportAttribute) m.getAttribute(Attribute.REQUESTED_TRANSPORT);
        if (rt == null) {
            gate.refuse(x, Stun.BAD_REQUEST, "bad_request", key);
            return;
        }
        if (rt.getRequestedTransport() != Stun.UDP) {
            gate.refuse(x, Stun.UNSUPPORTED_TRANSPORT, "unsupported_transport", key);
            return;
        }
        int even = x.draft().evenPort();
        int family = x.draft().requestedFamily();
        ReservationTokenAttribute token = (ReservationTokenAttribute) m.getAttribute(Attribute.RESERVATION_TOKEN);
        if (even >= 0 && token != null || token != null && family != 0) {
            gate.refuse(x, Stun.BAD_REQUEST, "bad_request", key);
            return;
        }
        InetAddress bindAddress = relayBindAddress(x);
        if (bindAddress == null) {
            gate.refuse(x, Stun.SERVER_ERROR, "no_relay_address", key);
            return;
        }
        boolean v6 = bindAddress instanceof Inet6Address;
        if (family != 0 && family != (v6 ? 0x02 : 0x01)) {
            gate.refuse(x, Stun.ADDRESS_FAMILY_NOT_SUPPORTED, "address_family", key);
            return;
        }
        if (ctx.table().countOf(who.userId()) >= ctx.config().maxAllocationsPerUser()
                || ctx.table().size() >= ctx.config().maxAllocations()) {
            gate.refuse(x, Stun.ALLOCATION_QUOTA_REACHED, "quota", key);
            return;
        }
        DatagramChannel socket;
        byte[] reservation = null;
        if (token != null) {
            socket = ctx.table().takeReservation(token.getReservationToken());
            if (socket == null) {
                gate.refuse(x, Stun.INSUFFICIENT_CAPACITY, "bad_reservation", key);
                return;
            }
        } else if (even == 1) {
            DatagramChannel[] pair = ctx.ports().bindPair(bindAddress);
            if (pair == null) {
                gate.refuse(x, Stun.INSUFFICIENT_CAPACITY, "no_relay_port", key);
                return;
            }
            socket = pair[0];
            reservation = ctx.table().reserve(pair[1], port(pair[1]), x.now());
        } else {
            socket = ctx.ports().bind(bindAddress, even == 0);
            if (socket == null) {
                gate.refuse(x, Stun.INSUFFICIENT_CAPACITY, "no_relay_port", key);
                return;
            }
        }
        int port = port(socket);
        InetAddress advertised = ctx.externalHost() != null ? ctx.externalHost() : bindAddress;
        long lifetime = lifetime((LifetimeAttribute) m.getAttribute(Attribute.LIFETIME));
        Allocation a = ctx.table().create(x.link(), who.username(), who.userId(), socket, port,
                new InetSocketAddress(advertised, port), lifetime, ctx.config().maxBytesPerSecond(), x.now());
        Response r = Responses.success(Stun.ALLOCATE);
        r.putAttribute(AttributeFactory.createXorRelayedAddressAttribute(
                new TransportAddress(advertised, port, Transport.UDP), x.tid()));
        r.putAttribute(AttributeFactory.createLifetimeAttribute((int) (lifetime / 1_000_000_000L)));
        r.putAttribute(AttributeFactory.createXorMappedAddressAttribute(
                new TransportAddress(x.link().remote(), Transport.UDP), x.tid()));
        if (reservation != null) r.putAttribute(AttributeFactory.createReservationTokenAttribute(reservation));
        byte[] encoded = ctx.responses().encode(r, x.tid(), key);
        ctx.table().answered(a, x.tid(), encoded);
        x.reply(encoded);
    }

    /** RFC 8656 §7.2: min(requested, max), but not below the default; the default when none is asked. */
    private long lifetime(LifetimeAttribute asked) {
        var l = ctx.lifetimes();
        if (asked == null) return l.allocationDefault();
        long want = (asked.getLifetime() & 0xFFFFFFFFL) * 1_000_000_000L;
        return Math.max(l.allocationDefault(), Math.min(want, l.allocationMax()));
    }

    /**
     * The configured relay address, else the server address the client reached: concrete for TCP; for UDP on a
     * wildcard listener, the source address the kernel routes toward the client (NIO does not expose the datagram's
     * destination address).
     */
    private InetAddress relayBindAddress(Exchange x) {
        if (ctx.fixedRelayHost() != null) return ctx.fixedRelayHost();
        InetAddress local = x.link().local().getAddress();
        if (!local.isAnyLocalAddress()) return local;
        InetAddress client = x.link().remote().getAddress();
        try (DatagramChannel probe = DatagramChannel.open(client instanceof Inet6Address
                ? java.net.StandardProtocolFamily.INET6 : java.net.StandardProtocolFamily.INET)) {
            probe.connect(x.link().remote());
            return ((InetSocketAddress) probe.getLocalAddress()).getAddress();
        } catch (IOException e) {
            return null;
        }
    }

    private static int port(DatagramChannel socket) {
        try {
            return ((InetSocketAddress) socket.getLocalAddress()).getPort();
        } catch (IOException e) {
            throw new IllegalStateException("a bound socket has a local address", e);
        }
    }
}
