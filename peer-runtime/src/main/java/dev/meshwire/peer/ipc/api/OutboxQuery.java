package dev.meshwire.peer.ipc.api;

import java.util.List;

/** The query of {@code GET /v1/outbox}: {@code states} empty means every state; {@code limit} 1..10000. */
public record OutboxQuery(List<String> states, int limit) {
    public OutboxQuery {
        states = states == null ? List.of() : List.copyOf(states);
    }
}
