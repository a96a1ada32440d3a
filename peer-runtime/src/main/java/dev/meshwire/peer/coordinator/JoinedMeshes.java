package dev.meshwire.peer.coordinator;

import dev.meshwire.peer.PeerException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The meshes this daemon has joined, as live sessions keyed by mesh name. Sorted by name so that
 * listings and error messages are stable; safe to read from any thread (IPC workers, the drain
 * worker and link event loops all look sessions up here).
 */
public final class JoinedMeshes {
    private final ConcurrentSkipListMap<String, MeshSession> byName = new ConcurrentSkipListMap<>();

    /** Registers (or replaces, e.g. after a reconnect) the session under its mesh name. */
    public void put(MeshSession session) {
        byName.put(session.name(), session);
    }

    /** Unregisters a mesh that was left or forgotten; returns its session, or null. */
    public MeshSession remove(String meshName) {
        return byName.remove(meshName);
    }

    /** The live session of a joined mesh, or null. */
    public MeshSession get(String meshName) {
        return byName.get(meshName);
    }

    public boolean contains(String meshName) {
        return byName.containsKey(meshName);
    }

    public Collection<MeshSession> all() {
        return byName.values();
    }

    public Set<String> names() {
        return byName.keySet();
    }

    public Optional<MeshSession> byMeshId(String meshId) {
        return byName.values().stream().filter(s -> s.config().meshId().equals(meshId)).findFirst();
    }

    /**
     * The mesh an operation acts in: the named one, else the only one, else a clear refusal
     * (unknown_mesh, no_meshes, mesh_required).
     */
    public MeshSession select(String meshName) {
        if (meshName != null && !meshName.isBlank()) {
            MeshSession s = byName.get(meshName);
            if (s == null) {
                throw new PeerException(PeerException.UNKNOWN_MESH, "no joined mesh named '" + meshName + "'; joined: "
                        + (byName.isEmpty() ? "(none)" : String.join(", ", byName.keySet())), List.copyOf(byName.keySet()));
            }
            return s;
        }
        if (byName.isEmpty()) {
            throw new PeerException(PeerException.NO_MESHES,
                    "no meshes joined yet; run 'meshwire mesh create' or 'meshwire join <invite>' first");
        }
        if (byName.size() > 1) {
            throw new PeerException(PeerException.MESH_REQUIRED, "several meshes are joined (" + String.join(", ", byName.keySet())
                    + "); choose one with --mesh", List.copyOf(byName.keySet()));
        }
        return byName.values().iterator().next();
    }

    /** For filters where no name means "every mesh": refuses only a name that is not joined. */
    public void requireKnownIfNamed(String meshName) {
        if (meshName != null && !meshName.isBlank() && !byName.containsKey(meshName)) select(meshName); // throws unknown_mesh
    }
}
