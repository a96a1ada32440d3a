package dev.meshwire.peer.home;

/**
 * One joined mesh as recorded in {@code meshes/<name>/mesh.json} (mode 0600). The secret key lives next
 * to it in {@code identity.key} (hex of libsodium's 64-byte Ed25519 secret key, mode 0600), never in here.
 *
 * @param meshId      the coordinator's id for the mesh
 * @param name        the mesh's name (also the local directory name)
 * @param coordinator the coordinator's WebSocket base URL (ws://host:port)
 * @param displayName this member's display name in the mesh
 * @param role        "owner", "admin" or "member", as the coordinator reported it
 * @param pubkey      this member's public key (hex), duplicated here for status without unlocking the key
 * @param joinedAt    epoch ms
 * @param authority   the pinned mesh authority key (hex) that the mesh-state history is verified from:
 *                    from the v2 invite, the mesh creation answer, or (v1 invite) trusted on first use
 *                    from {@code hello_ack}; null until known. Only a signed {@code authority_rotated}
 *                    event changes the key that signs new events; this pin stays the trust anchor.
 */
public record MeshConfig(String meshId, String name, String coordinator, String displayName, String role,
                         String pubkey, long joinedAt, String authority) {
    /** A record without a pinned authority yet. */
    public MeshConfig(String meshId, String name, String coordinator, String displayName, String role, String pubkey, long joinedAt) {
        this(meshId, name, coordinator, displayName, role, pubkey, joinedAt, null);
    }

    public MeshConfig withRole(String newRole) {
        return new MeshConfig(meshId, name, coordinator, displayName, newRole, pubkey, joinedAt, authority);
    }

    public MeshConfig withDisplayName(String newName) {
        return new MeshConfig(meshId, name, coordinator, newName, role, pubkey, joinedAt, authority);
    }

    public MeshConfig withAuthority(String key) {
        return new MeshConfig(meshId, name, coordinator, displayName, role, pubkey, joinedAt, key);
    }
}
