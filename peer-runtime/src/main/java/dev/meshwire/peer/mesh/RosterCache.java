package dev.meshwire.peer.mesh;

import dev.meshwire.peer.coordinator.CoordinatorLink;
import dev.meshwire.peer.home.MeshStore;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a copy of each mesh's member list on disk, so that names still resolve after a restart
 * while the coordinator is unreachable. Writes happen off the event loop and never fail a caller.
 */
public final class RosterCache {
    private static final Logger log = LoggerFactory.getLogger(RosterCache.class);
    private final Vertx vertx;
    private final MeshStore store;

    public RosterCache(Vertx vertx, MeshStore store) {
        this.vertx = vertx;
        this.store = store;
    }

    /** Snapshots the link's roster now and writes it on a worker thread. */
    public void save(String meshName, CoordinatorLink link) {
        var snapshot = link.roster();
        vertx.executeBlocking(() -> {
            try {
                store.saveRoster(meshName, snapshot);
            } catch (RuntimeException e) {
                log.debug("cannot cache the roster of {}: {}", meshName, e.getMessage());
            }
            return null;
        }, false);
    }
}
