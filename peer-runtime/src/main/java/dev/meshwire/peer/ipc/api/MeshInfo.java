package dev.meshwire.peer.ipc.api;

/**
 * One joined mesh as status, create, join and reconnect report it. Without a running daemon,
 * {@code meshwire status} shows the stored part only (no {@code state}, counters or {@code lastError}).
 *
 * @param state         the coordinator link's state (connected, connecting, kicked, banned, ...)
 * @param onlinePeers   members online now, self included
 * @param members       active members in the verified mesh state
 * @param stateRefusals mesh-state events refused by verification
 * @param refused       messages and frames refused because their sender is not an active member
 */
public record MeshInfo(String name, String meshId, String coordinator, String state, Boolean connected, String displayName,
                       String pubkey, String role, Long onlinePeers, Long members, Long stateVersion, Boolean stateVerified,
                       String authority, Long stateRefusals, RefusalCounters refused, String lastError) {}
