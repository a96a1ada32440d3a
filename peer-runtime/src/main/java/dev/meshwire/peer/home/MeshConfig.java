package dev.meshwire.peer.home;

/**
 * One joined mesh as recorded in {@code meshes/<name>/mesh.json}. The secret key lives next to it in
 * {@code identity.key} (hex of libsodium's 64-byte Ed25519 secret key, mode 0600), never in here.
 *
 * @param meshId      the coordinator's id for the mesh
 * @param name        the mesh's name (also the local directory name)
 * @param coordinator the coordinator's WebSocket base URL (ws://host:port)
 * @param displayName this member's display name in the mesh
 * @param role        "owner" or "member", as the coordinator reported it
 * @param pubkey      this member's public key (hex), duplicated here for status without unlocking the key
 * @param joinedAt    epoch ms
 */
public record MeshConfig(String meshId, String name, String coordinator, String displayName, String role,
                         String pubkey, long joinedAt) {
    public MeshConfig withRole(String newRole) {
        return new MeshConfig(meshId, name, coordinator, displayName, newRole, pubkey, joinedAt);
    }
}
