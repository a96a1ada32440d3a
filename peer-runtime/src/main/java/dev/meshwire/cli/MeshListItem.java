package dev.meshwire.cli;

import dev.meshwire.peer.home.MeshConfig;
import java.time.Instant;

/**
 * One joined mesh as {@code meshwire mesh list} shows it, read from {@code meshes/<name>/mesh.json} (no daemon).
 * {@code role} is the one recorded at join or create; {@code status} and {@code members} have the current one.
 */
record MeshListItem(String name, String meshId, String coordinator, String displayName, String role, String pubkey, long joinedAt,
                    String joinedAtIso) {
    static MeshListItem of(MeshConfig c) {
        return new MeshListItem(c.name(), c.meshId(), c.coordinator(), c.displayName(), c.role(), c.pubkey(), c.joinedAt(),
                Instant.ofEpochMilli(c.joinedAt()).toString());
    }
}
