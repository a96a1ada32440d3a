package dev.meshwire.peer.ipc.api;

/** SSE {@code peer_joined}: a member came online. */
public record PeerJoinedEvent(String mesh, String name, String pubkey, String role) implements EventData {}
