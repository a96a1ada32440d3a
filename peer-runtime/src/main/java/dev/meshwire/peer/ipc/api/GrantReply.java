package dev.meshwire.peer.ipc.api;

import java.util.List;

/**
 * What {@code POST /v1/grant} did: {@code peer} (the sender, resolved; absent when {@code everyone}, the {@code *}
 * grant) may now do {@code caps} to you (empty: blocked); {@code caps} absent after a reset (every capability, the
 * default).
 */
public record GrantReply(String mesh, PeerRef peer, boolean everyone, List<String> caps, String detail) {}
