package dev.meshwire.peer.ipc.api;

/** SSE {@code link}: a mesh's coordinator link changed state. */
public record LinkEvent(String mesh, String state, String detail) implements EventData {}
