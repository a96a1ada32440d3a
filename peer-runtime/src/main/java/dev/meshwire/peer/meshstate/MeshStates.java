package dev.meshwire.peer.meshstate;

import dev.meshwire.peer.home.MeshConfig;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Every joined mesh's replica and roster, keyed by mesh id, over the daemon's one
 * {@link MeshStateStore}. A roster outlives coordinator links (a reconnect gets the same one), so
 * membership survives link drops; the store makes it survive restarts.
 */
public final class MeshStates implements AutoCloseable {
    private final MeshStateStore store;
    private final LongSupplier clock;
    private final Map<String, MeshRoster> byMesh = new ConcurrentHashMap<>();
    private final List<MeshRoster.RemovalListener> removalListeners;
    private final List<ChangeListener> changeListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Told after every verified change of any mesh's replica (as {@link MeshReplica.Listener}), with its roster. */
    @FunctionalInterface
    public interface ChangeListener {
        void changed(MeshRoster roster, dev.meshwire.signaling.meshstate.MeshState before,
                     dev.meshwire.signaling.meshstate.MeshState after, List<dev.meshwire.signaling.meshstate.MeshEvent> applied);

        /**
         * {@code roster} was just loaded from the store (daemon start, join, creation), before its link starts: what it
         * holds was verified but not reported through {@link #changed}. Blocking is fine.
         */
        default void loaded(MeshRoster roster) {
        }
    }
    private final List<MeshReplica.Listener> replicaListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<MeshRoster.SubpeerListener> subpeerListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Hears the sub-peer changes of every roster, open now or opened later (docs/protocol.md §6.5). */
    public void onSubpeerChange(MeshRoster.SubpeerListener l) {
        subpeerListeners.add(l);
        for (MeshRoster r : byMesh.values()) r.onSubpeerChange(l);
    }

    /** @param onRemoval told when a key of any mesh stops being active (tear down, publish) */
    public MeshStates(Path dbFile, LongSupplier clock, MeshRoster.RemovalListener onRemoval) {
        this.store = new MeshStateStore(dbFile);
        this.clock = clock;
        this.removalListeners = onRemoval == null ? List.of() : List.of(onRemoval);
    }

    /**
     * The roster of {@code cfg}'s mesh, loaded (and verified) from the store the first time. A roster
     * held for another identity of the same mesh id (an earlier failed join) is replaced.
     */
    public MeshRoster open(MeshConfig cfg) {
        boolean[] fresh = {false};
        MeshRoster opened = byMesh.compute(cfg.meshId(), (k, old) -> {
            if (old != null && old.selfPubkey().equals(cfg.pubkey())) {
                old.replica().rename(cfg.name());
                if (cfg.authority() != null) old.replica().pinIfAbsent(cfg.authority());
                return old;
            }
            MeshReplica r = MeshReplica.load(cfg.meshId(), cfg.name(), cfg.authority(), store, clock);
            MeshRoster roster = new MeshRoster(r, cfg.pubkey(), clock);
            removalListeners.forEach(roster::onRemoval);
            subpeerListeners.forEach(roster::onSubpeerChange);
            for (ChangeListener l : changeListeners) follow(roster, l);
            fresh[0] = true;
            replicaListeners.forEach(r::addListener);
            return roster;
        });
        if (fresh[0]) for (ChangeListener l : changeListeners) loaded(opened, l);
        return opened;
    }

    private static void loaded(MeshRoster roster, ChangeListener l) {
        try {
            l.loaded(roster);
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(MeshStates.class).warn("mesh {}: mesh state listener failed on load",
                    roster.replica().meshName(), e);
        }
    }

    /**
     * Follows every replica's changes, of the rosters open now and of those opened later. Register before the meshes
     * connect, or changes applied in between are missed.
     */
    public void onChange(ChangeListener l) {
        changeListeners.add(l);
        for (MeshRoster r : byMesh.values()) {
            follow(r, l);
            loaded(r, l);
        }
    }

    private static void follow(MeshRoster roster, ChangeListener l) {
        roster.replica().addListener((before, after, applied) -> l.changed(roster, before, after, applied));
    }

    /** Tells {@code l} about every change of every mesh's replica, those opened later included. */
    public void addReplicaListener(MeshReplica.Listener l) {
        replicaListeners.add(l);
        for (MeshRoster r : byMesh.values()) r.replica().addListener(l);
    }

    public MeshRoster get(String meshId) {
        return meshId == null ? null : byMesh.get(meshId);
    }

    public Collection<MeshRoster> all() {
        return byMesh.values();
    }

    /** Drops the replica of a mesh this daemon is not a member of (a join that failed). */
    public void discard(String meshId) {
        if (byMesh.remove(meshId) != null) store.forget(meshId);
    }

    /** Re-checks expiries on every roster (called periodically by the daemon). */
    public void tick() {
        for (MeshRoster r : byMesh.values()) r.tick();
    }

    public MeshStateStore store() {
        return store;
    }

    @Override
    public void close() {
        store.close();
    }
}
