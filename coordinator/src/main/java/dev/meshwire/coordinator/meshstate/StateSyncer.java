package dev.meshwire.coordinator.meshstate;

import dev.meshwire.coordinator.metrics.CoordinatorMetrics;
import dev.meshwire.coordinator.store.CoordinatorStore;
import dev.meshwire.coordinator.store.StoreException;
import dev.meshwire.signaling.frame.Frames;
import dev.meshwire.signaling.meshstate.EventKind;
import dev.meshwire.signaling.meshstate.MeshEvent;
import dev.meshwire.signaling.meshstate.MeshSnapshot;
import dev.meshwire.signaling.meshstate.MeshState;
import dev.meshwire.signaling.meshstate.StateRef;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.List;

/**
 * Decides what brings a replica that holds {@code have} up to the coordinator's head (docs/protocol.md,
 * "Mesh state"):
 * <ul>
 *   <li>nothing held (absent or version 0): every event when there are at most {@link #MAX_EVENTS}, else a snapshot;</li>
 *   <li>a version the coordinator has with the same hash: the events after it (possibly none) when at most
 *       {@link #MAX_EVENTS}, else a snapshot;</li>
 *   <li>otherwise (ahead of the coordinator, or another history): a signed snapshot.</li>
 * </ul>
 */
public final class StateSyncer {
    public static final int MAX_EVENTS = 1000;

    /** A {@code mesh_sync} frame and the state it brings the replica to (for {@code hello_ack}). */
    public record Plan(MeshState state, Frames.MeshSync frame) {}

    private final MeshLedger ledger;
    private final CoordinatorStore store;
    private final CoordinatorMetrics metrics;
    private final Clock clock;

    public StateSyncer(MeshLedger ledger, CoordinatorMetrics metrics, Clock clock) {
        this.ledger = ledger;
        this.store = ledger.store();
        this.metrics = metrics;
        this.clock = clock;
    }

    /** The {@code mesh_sync} (echoing {@code id}, null after hello) for a replica of {@code meshId} at {@code have} (null: nothing). */
    public Future<Plan> plan(String meshId, StateRef have, String id) {
        return ledger.current(meshId).compose(state -> {
            StateRef head = state.head();
            long v = have == null ? 0 : have.version();
            if (v <= 0) return head.version() <= MAX_EVENTS ? events(state, 0, id) : snapshot(state, id);
            if (v > head.version()) return snapshot(state, id);
            Future<Boolean> sameHistory = v == head.version() ? Future.succeededFuture(head.head().equals(have.head()))
                    : store.event(meshId, v).map(e -> e.isPresent() && e.get().hash().equals(have.head()));
            return sameHistory.compose(same -> same && head.version() - v <= MAX_EVENTS ? events(state, v, id) : snapshot(state, id));
        });
    }

    private Future<Plan> events(MeshState state, long after, String id) {
        long missing = state.version() - after;
        Future<List<MeshEvent>> events = missing == 0 ? Future.succeededFuture(List.of())
                : store.events(state.mesh(), after, (int) missing);
        return events.map(list -> {
            metrics.stateSync("events");
            return new Plan(state, new Frames.MeshSync(id, state.mesh(), list, null));
        });
    }

    private Future<Plan> snapshot(MeshState state, String id) {
        String meshId = state.mesh();
        return store.authorityKey(meshId).compose(key -> store.event(meshId, state.version()).compose(head ->
                store.eventsOfKind(meshId, EventKind.AUTHORITY_ROTATED).compose(rotations -> {
                    if (key.isEmpty() || head.isEmpty() || !key.get().publicKey().equals(state.authority())) {
                        return Future.failedFuture(new StoreException("mesh " + meshId + ": the authority key changed while a snapshot was built"));
                    }
                    List<MeshEvent> upToHead = rotations.stream().filter(r -> r.version() <= state.version()).toList();
                    MeshSnapshot snap = MeshSnapshot.seal(AuthorityKeys.identity(key.get()), state, head.get(), upToHead, clock.millis());
                    metrics.stateSync("snapshot");
                    return Future.succeededFuture(new Plan(state, new Frames.MeshSync(id, meshId, null, snap)));
                })));
    }
}
