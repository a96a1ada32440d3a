package dev.meshwire.coordinator.presence;

import dev.meshwire.signaling.subpeer.SubpeerSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The sub-peers each present service fronts (docs/protocol.md §6.5): per mesh, per service key, the newest signed
 * {@link SubpeerSet}. In memory only, like presence itself: a sub-peer exists in the mesh only while the service that
 * fronts it is present, so a set ends with its service's presence ({@link PresenceRegistry} drops it when the service's
 * {@code peer_left} goes out) and a coordinator restart forgets every set (the service's daemon publishes it again on
 * its next {@code session_hello}).
 *
 * <p>Not thread-safe on purpose: used on the coordinator verticle's event loop only, as {@link PresenceRegistry}.
 */
public final class SubpeerRegistry {
    /** What {@link #put} did. {@code changed}: the names differ from the previous set (announce it). */
    public record Outcome(boolean accepted, boolean changed, long lastSeq) {}

    private final Map<String, Map<String, SubpeerSet>> byMesh = new HashMap<>();

    /**
     * Records {@code set} (already checked: well formed, signed by its service, the service allowed to front) unless a
     * set with the same or a higher {@code seq} is held: statements of one service are taken newest first, so a
     * delayed or replayed one cannot bring back an older set.
     */
    public Outcome put(String meshId, SubpeerSet set) {
        Map<String, SubpeerSet> mesh = byMesh.computeIfAbsent(meshId, k -> new HashMap<>());
        SubpeerSet old = mesh.get(set.service());
        if (old != null && old.seq() >= set.seq()) return new Outcome(false, false, old.seq());
        mesh.put(set.service(), set);
        boolean changed = old == null ? !set.names().isEmpty() : !old.names().equals(set.names());
        return new Outcome(true, changed, set.seq());
    }

    /** Forgets what {@code service} fronted (its presence ended); true when it had a set. */
    public boolean drop(String meshId, String service) {
        Map<String, SubpeerSet> mesh = byMesh.get(meshId);
        if (mesh == null) return false;
        boolean had = mesh.remove(service) != null;
        if (mesh.isEmpty()) byMesh.remove(meshId);
        return had;
    }

    /** The non-empty sets of a mesh, by service key: what a connection that just authenticated is sent. */
    public List<SubpeerSet> current(String meshId) {
        Map<String, SubpeerSet> mesh = byMesh.get(meshId);
        if (mesh == null) return List.of();
        return mesh.values().stream().filter(s -> !s.names().isEmpty())
                .sorted(java.util.Comparator.comparing(SubpeerSet::service)).toList();
    }

    /** Every mesh's sets are forgotten (coordinator shutdown). */
    public void clear() {
        byMesh.clear();
    }
}
