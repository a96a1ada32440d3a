package dev.meshwire.turn.server.alloc;

import java.net.InetAddress;

/** A permission for one peer IP (any port, RFC 8656 §9), alive until {@link #expiresAt} (System.nanoTime). */
public final class Permission {
    final InetAddress peer;
    long expiresAt;

    Permission(InetAddress peer, long expiresAt) {
        this.peer = peer;
        this.expiresAt = expiresAt;
    }

    public boolean alive(long now) {
        return expiresAt - now > 0;
    }
}
