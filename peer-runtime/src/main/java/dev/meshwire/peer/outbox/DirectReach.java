package dev.meshwire.peer.outbox;

import dev.meshwire.peer.coordinator.MeshSession;

/**
 * Can a message reach {@code recipient} over a direct channel at all? Asked at accept time for copies
 * too big for the relay: accepting one that can never be delivered would only fail days later.
 */
@FunctionalInterface
public interface DirectReach {
    DirectReach NEVER = (mesh, recipient) -> "this daemon has no direct channels";

    /** Null when a direct channel is possible, else why not (one clause, shown to the user). */
    String whyNot(MeshSession mesh, String recipientPubkey);
}
