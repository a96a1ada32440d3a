package dev.meshwire.peer.ipc.api;

import java.util.List;

/**
 * The query of {@code GET /v1/outbox}: {@code states} empty means every state; {@code mesh} null means every mesh, else
 * only the sends in that mesh (also one left or forgotten, while its rows exist); {@code limit} 1..10000.
 */
public record OutboxQuery(List<String> states, String mesh, int limit) {
    /** Every mesh. */
    public OutboxQuery(List<String> states, int limit) {
        this(states, null, limit);
    }

    public OutboxQuery {
        states = states == null ? List.of() : List.copyOf(states);
    }
}
