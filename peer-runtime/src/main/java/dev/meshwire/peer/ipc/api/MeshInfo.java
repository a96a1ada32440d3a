package dev.meshwire.peer.ipc.api;

import java.util.List;

/**
 * One joined mesh as status, create, join and reconnect report it. Without a running daemon,
 * {@code meshwire status} shows the stored part only (no {@code state}, counters or {@code lastError}).
 *
 * @param state         the coordinator link's state (connected, connecting, kicked, banned, ...)
 * @param onlinePeers   members online now, self included
 * @param members       active members in the verified mesh state
 * @param stateRefusals mesh-state events refused by verification
 * @param refused       messages and frames refused because their sender is not an active member
 * @param iceUrls       the STUN/TURN URLs of the coordinator's last {@code hello_ack}, without credentials (running daemon only)
 * @param unread        inbox messages of this mesh not shown yet (status only)
 * @param pending       sends in this mesh not finished yet: pending or in flight (status only)
 */
public record MeshInfo(String name, String meshId, String coordinator, String state, Boolean connected, String displayName,
                       String pubkey, String role, Long onlinePeers, Long members, Long stateVersion, Boolean stateVerified,
                       String authority, Long stateRefusals, RefusalCounters refused, String lastError, List<String> iceUrls, Long unread,
                       Long pending) {
    /** The same mesh with the status counters. */
    public MeshInfo withCounts(long unreadCount, long pendingCount) {
        return new MeshInfo(name, meshId, coordinator, state, connected, displayName, pubkey, role, onlinePeers, members, stateVersion,
                stateVerified, authority, stateRefusals, refused, lastError, iceUrls, unreadCount, pendingCount);
    }
}
