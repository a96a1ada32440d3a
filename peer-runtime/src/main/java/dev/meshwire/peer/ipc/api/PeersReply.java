package dev.meshwire.peer.ipc.api;

import java.util.List;

/** {@code GET /v1/peers}: the active members, online first; {@code state} is the link's state. */
public record PeersReply(String mesh, boolean connected, String state, long stateVersion, boolean stateVerified, List<PeerItem> items) {}
