package dev.meshwire.livekit.bridge;

/**
 * A bridge's counters since start.
 *
 * @param roomToMesh        room packets delivered into the mesh
 * @param meshToRoom        mesh messages LiveKit accepted for a participant
 * @param refused           mesh messages answered as undeliverable (no lk:&lt;identity&gt;, too large, not a dm)
 * @param dropped           room packets the mesh refused (4xx: scopes, unknown target) or that found the queue full
 * @param duplicates        room packets whose id the mesh had accepted already (replays): not shown twice
 * @param roomQueue         room packets waiting for the mesh (daemon or coordinator unreachable)
 * @param meshQueue         mesh messages waiting in the service inbox at the last look
 * @param roomJoins         joins of the room (reconnects = joins − 1)
 * @param roomConnected     whether the room is joined now
 * @param lastError         the last failure talking to the daemon (empty if none): what a {@code status} shows
 */
public record BridgeStats(long roomToMesh, long meshToRoom, long refused, long dropped, long duplicates, long roomQueue, long meshQueue,
                          long roomJoins, boolean roomConnected, String lastError) {}
