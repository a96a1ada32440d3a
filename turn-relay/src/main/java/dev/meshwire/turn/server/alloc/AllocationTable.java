package dev.meshwire.turn.server.alloc;

import dev.meshwire.turn.server.metrics.TurnMeters;
import dev.meshwire.turn.server.transport.BatchedChannel;
import dev.meshwire.turn.server.transport.ClientLink;
import dev.meshwire.turn.server.transport.StreamLink;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Every live allocation, found by client 5-tuple (the source address for UDP, the connection for TCP/TLS), with the
 * per-user counts for quotas, the gauges, expiry and the EVEN-PORT reservations. Event-loop only.
 */
public final class AllocationTable {
    /** Opens the Netty side of a bound relay socket, reading into {@code allocation}. */
    public interface RelayOpener {
        BatchedChannel open(DatagramChannel socket, Allocation allocation);
    }

    private static final long RESERVATION_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final Map<InetSocketAddress, Allocation> udp = new HashMap<>();
    private final LinkedHashSet<Allocation> all = new LinkedHashSet<>();
    private final Map<String, Integer> perUser = new HashMap<>();
    private final Map<Long, Reservation> reservations = new HashMap<>();
    private final RelayPorts ports;
    private final TurnMeters meters;
    private final RelayOpener opener;

    private record Reservation(DatagramChannel socket, int port, long expiresAt) {}

    public AllocationTable(RelayPorts ports, TurnMeters meters, RelayOpener opener) {
        this.ports = ports;
        this.meters = meters;
        this.opener = opener;
    }

    public Allocation find(ClientLink link) {
        if (link instanceof StreamLink s) return (Allocation) s.allocation();
        return udp.get(link.remote());
    }

    /** The allocation of UDP client {@code remote}: the ChannelData hot path. */
    public Allocation findUdp(InetSocketAddress remote) {
        return udp.get(remote);
    }

    public int size() {
        return all.size();
    }

    public int countOf(String userId) {
        return perUser.getOrDefault(userId, 0);
    }

    /**
     * Registers an allocation on the already bound {@code socket} and opens its Netty channel.
     *
     * @param advertised the XOR-RELAYED-ADDRESS
     */
    public Allocation create(ClientLink link, String username, String userId, DatagramChannel socket, int port,
                             InetSocketAddress advertised, long lifetimeNanos, long bytesPerSecond, long now) {
        Allocation a = new Allocation(link, username, userId, port, advertised, bytesPerSecond, now);
        a.expiresAt = now + lifetimeNanos;
        a.relay = opener.open(socket, a);
        all.add(a);
        if (link instanceof StreamLink s) s.allocation(a);
        else udp.put(link.remote(), a);
        perUser.merge(userId, 1, Integer::sum);
        meters.allocations++;
        meters.allocationsTotal++;
        return a;
    }

    /** Remembers the success answer so a retransmitted Allocate gets it again (RFC 8656 §7.2). */
    public void answered(Allocation a, byte[] tid, byte[] response) {
        a.allocateTid = tid;
        a.allocateResponse = response;
    }

    public void refresh(Allocation a, long lifetimeNanos, long now) {
        a.expiresAt = now + lifetimeNanos;
    }

    /** Installs or refreshes the permission for {@code peer}. */
    public Permission permit(Allocation a, InetAddress peer, long lifetimeNanos, long now) {
        boolean[] created = new boolean[1];
        Permission p = a.installPermission(peer, now + lifetimeNanos, created);
        if (created[0]) meters.permissions++;
        return p;
    }

    /**
     * Binds or refreshes channel {@code number} to {@code peer} (and its permission). Returns null when the number is
     * bound to another peer or the peer to another number: 400 in RFC 8656 §12.2.
     */
    public ChannelBinding bindChannel(Allocation a, int number, InetSocketAddress peer, long channelNanos,
                                      long permissionNanos, long now) {
        ChannelBinding byNumber = a.channel(number);
        ChannelBinding byPeer = a.channelFor(peer);
        if (byNumber != byPeer) return null;
        Permission p = permit(a, peer.getAddress(), permissionNanos, now);
        if (byNumber != null) {
            byNumber.expiresAt = now + channelNanos;
            byNumber.permission = p; // the old one may have lapsed and been swept
            return byNumber;
        }
        meters.channels++;
        return a.bind(number, peer, p, now + channelNanos);
    }

    /** Reserves the odd half of an EVEN-PORT pair for 30 s; returns the 8-byte token. */
    public byte[] reserve(DatagramChannel socket, int port, long now) {
        long token;
        do {
            token = ThreadLocalRandom.current().nextLong();
        } while (reservations.containsKey(token));
        reservations.put(token, new Reservation(socket, port, now + RESERVATION_NANOS));
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) b[i] = (byte) (token >>> (56 - 8 * i));
        return b;
    }

    /** The socket reserved under {@code token} (removed from the reservations), or null. */
    public DatagramChannel takeReservation(byte[] token) {
        if (token == null || token.length != 8) return null;
        long t = 0;
        for (byte x : token) t = t << 8 | (x & 0xff);
        Reservation r = reservations.remove(t);
        return r == null ? null : r.socket;
    }

    /** Ends the allocation: closes its relay socket, frees the port, drops its permissions and channels. */
    public void release(Allocation a) {
        if (a.released) return;
        a.released = true;
        all.remove(a);
        if (a.client instanceof StreamLink s) {
            if (s.allocation() == a) s.allocation(null);
        } else {
            udp.remove(a.client.remote(), a);
        }
        perUser.computeIfPresent(a.userId, (k, n) -> n <= 1 ? null : n - 1);
        meters.allocations--;
        meters.permissions -= a.permissionCount();
        meters.channels -= a.channelCount();
        if (a.relay != null) a.relay.channel().close();
        ports.release(a.relayPort);
    }

    /** Expires allocations, permissions, channels and reservations whose time is up. */
    public void sweep(long now) {
        ArrayList<Allocation> dead = null;
        for (Allocation a : all) {
            if (a.expiresAt - now <= 0) {
                if (dead == null) dead = new ArrayList<>();
                dead.add(a);
                continue;
            }
            int[] removed = a.sweep(now);
            meters.permissions -= removed[0];
            meters.channels -= removed[1];
        }
        if (dead != null) for (Allocation a : dead) release(a);
        for (Iterator<Reservation> it = reservations.values().iterator(); it.hasNext(); ) {
            Reservation r = it.next();
            if (r.expiresAt - now <= 0) {
                it.remove();
                ports.release(r.port, r.socket);
            }
        }
    }

    /** Releases everything (server close). */
    public void releaseAll() {
        for (Allocation a : new ArrayList<>(all)) release(a);
        for (Reservation r : reservations.values()) ports.release(r.port, r.socket);
        reservations.clear();
    }
}
