package dev.meshwire.peer.ipc.api;

/** SSE {@code peer_left}: a member went offline. */
public record PeerLeftEvent(String mesh, String name, String pubkey, String reason) implements EventData {}
