package dev.meshwire.turn.server.alloc;

import java.net.InetSocketAddress;

/** A channel number bound to one peer transport address, alive until {@link #expiresAt} (System.nanoTime). */
public final class ChannelBinding {
    public final int number;
    public final InetSocketAddress peer;
    /** The permission of the peer's IP: a binding installs and refreshes it, but it may lapse on its own. */
    Permission permission;
    long expiresAt;

    ChannelBinding(int number, InetSocketAddress peer, Permission permission, long expiresAt) {
        this.number = number;
        this.peer = peer;
        this.permission = permission;
        this.expiresAt = expiresAt;
    }

    public Permission permission() {
        return permission;
    }

    public boolean alive(long now) {
        return expiresAt - now > 0;
    }
}
