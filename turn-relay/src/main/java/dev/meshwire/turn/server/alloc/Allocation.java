package dev.meshwire.turn.server.alloc;

import dev.meshwire.turn.server.transport.BatchedChannel;
import dev.meshwire.turn.server.transport.ClientLink;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;

/**
 * One TURN allocation: the client 5-tuple, its relay socket, permissions and channel bindings. Event-loop only; every
 * time is System.nanoTime.
 */
public final class Allocation {
    private static final ChannelBinding[] NONE = new ChannelBinding[0];

    public final ClientLink client;
    public final String username;
    public final String userId;
    public final int relayPort;
    /** The address put in XOR-RELAYED-ADDRESS (the external address when the relay is behind a 1:1 NAT). */
    public final InetSocketAddress relayAddress;
    /** Null without a bandwidth cap. */
    public final TokenBucket toPeer;
    public final TokenBucket fromPeer;
    BatchedChannel relay;
    long expiresAt;
    boolean released;
    /** The Allocate transaction that created this allocation and its answer, resent on a retransmission. */
    byte[] allocateTid;
    byte[] allocateResponse;
    final HashMap<InetAddress, Permission> permissions = new HashMap<>(4);
    private final HashMap<InetSocketAddress, ChannelBinding> channelsByPeer = new HashMap<>(4);
    private ChannelBinding[] channels = NONE;
    private int channelCount;

    Allocation(ClientLink client, String username, String userId, int relayPort, InetSocketAddress relayAddress,
               long bytesPerSecond, long now) {
        this.client = client;
        this.username = username;
        this.userId = userId;
        this.relayPort = relayPort;
        this.relayAddress = relayAddress;
        this.toPeer = bytesPerSecond > 0 ? new TokenBucket(bytesPerSecond, now) : null;
        this.fromPeer = bytesPerSecond > 0 ? new TokenBucket(bytesPerSecond, now) : null;
    }

    public BatchedChannel relay() {
        return relay;
    }

    public boolean released() {
        return released;
    }

    public boolean isRetransmissionOf(byte[] tid) {
        return allocateTid != null && Arrays.equals(allocateTid, tid);
    }

    public byte[] allocateResponse() {
        return allocateResponse;
    }

    /** The live permission for {@code peer}, or null. */
    public Permission permission(InetAddress peer, long now) {
        Permission p = permissions.get(peer);
        return p != null && p.alive(now) ? p : null;
    }

    /** The binding of channel {@code number} (alive or not), or null. Linear: an allocation has a few channels. */
    public ChannelBinding channel(int number) {
        ChannelBinding[] c = channels;
        for (int i = 0, n = channelCount; i < n; i++) if (c[i].number == number) return c[i];
        return null;
    }

    /** The binding for {@code peer} (alive or not), or null. */
    public ChannelBinding channelFor(InetSocketAddress peer) {
        return channelsByPeer.get(peer);
    }

    Permission installPermission(InetAddress peer, long expiresAt, boolean[] created) {
        Permission p = permissions.get(peer);
        if (p == null) {
            p = new Permission(peer, expiresAt);
            permissions.put(peer, p);
            created[0] = true;
        } else {
            p.expiresAt = Math.max(p.expiresAt, expiresAt);
        }
        return p;
    }

    ChannelBinding bind(int number, InetSocketAddress peer, Permission permission, long expiresAt) {
        ChannelBinding b = new ChannelBinding(number, peer, permission, expiresAt);
        if (channelCount == channels.length) channels = Arrays.copyOf(channels, Math.max(4, channelCount * 2));
        channels[channelCount++] = b;
        channelsByPeer.put(peer, b);
        return b;
    }

    /** Drops expired permissions and bindings; returns {removedPermissions, removedChannels}. */
    int[] sweep(long now) {
        int perms = 0;
        for (Iterator<Permission> it = permissions.values().iterator(); it.hasNext(); ) {
            if (!it.next().alive(now)) {
                it.remove();
                perms++;
            }
        }
        int chans = 0;
        for (int i = 0; i < channelCount; ) {
            ChannelBinding b = channels[i];
            if (!b.alive(now)) {
                channelsByPeer.remove(b.peer);
                channels[i] = channels[--channelCount];
                channels[channelCount] = null;
                chans++;
            } else {
                i++;
            }
        }
        return new int[] {perms, chans};
    }

    int permissionCount() {
        return permissions.size();
    }

    int channelCount() {
        return channelCount;
    }
}
