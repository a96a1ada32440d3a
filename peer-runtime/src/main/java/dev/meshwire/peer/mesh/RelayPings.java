package dev.meshwire.peer.mesh;

import dev.meshwire.signaling.crypto.Hex;
import dev.meshwire.signaling.crypto.Sodium;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code peer_ping}s this daemon has in flight through the coordinator, by nonce. A {@code peer_pong}
 * completes its ping only when it comes from the peer that was pinged (the coordinator stamps
 * {@code from}), so a pong from anyone else, or a stray nonce, is ignored. Thread-safe.
 */
final class RelayPings {
    private record Pending(String peer, CompletableFuture<Long> answered) {}

    private final Map<String, Pending> pending = new ConcurrentHashMap<>();

    /** A fresh 32-hex nonce for a ping to {@code peer}; the future completes with System.nanoTime() of the pong. */
    String start(String peer, CompletableFuture<Long> answered) {
        String nonce = Hex.encode(Sodium.randomBytes(16));
        pending.put(nonce, new Pending(peer, answered));
        return nonce;
    }

    /** The ping is over (answered, timed out or not sent): forget it. */
    void forget(String nonce) {
        pending.remove(nonce);
    }

    /** A {@code peer_pong} arrived from {@code from}. */
    void pong(String from, String nonce) {
        long at = System.nanoTime();
        if (nonce == null) return;
        Pending p = pending.get(nonce);
        if (p != null && p.peer().equals(from) && pending.remove(nonce, p)) p.answered().complete(at);
    }
}
