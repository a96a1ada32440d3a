package dev.meshwire.coordinator.meshstate;

import dev.meshwire.coordinator.metrics.CoordinatorMetrics;
import dev.meshwire.coordinator.store.AuthorityKey;
import dev.meshwire.coordinator.store.Appended;
import dev.meshwire.coordinator.store.CoordinatorStore;
import dev.meshwire.coordinator.store.EventSealer;
import dev.meshwire.coordinator.store.JoinResult;
import dev.meshwire.coordinator.store.MemberRecord;
import dev.meshwire.coordinator.store.MeshEffect;
import dev.meshwire.coordinator.store.MeshRecord;
import dev.meshwire.coordinator.store.StoreException;
import dev.meshwire.signaling.meshstate.EventPayload;
import dev.meshwire.signaling.meshstate.MeshEvent;
import dev.meshwire.signaling.meshstate.MeshState;
import dev.meshwire.signaling.meshstate.MeshStateException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the mutations of every mesh's state on this coordinator: each append builds and signs one event
 * with the mesh's authority key, commits it together with its effect (through the store), folds it into
 * the cached {@link MeshState} with {@link MeshState#apply} (so the coordinator verifies its own history
 * with the same rule book as every daemon), counts it and publishes it to the mesh's online sessions,
 * before the caller answers.
 *
 * <p>Operations of one mesh run one after the other ({@link #serialized}): events are published in
 * version order, and a session admitted inside the chain cannot miss an event between its sync and its
 * registration. Runs on the coordinator verticle's event loop (no locks). With several coordinators on
 * one database the store serializes appends; events another coordinator appended are folded in when
 * this one next reads the mesh (they are not pushed by this one).
 */
public final class MeshLedger {
    private static final Logger LOG = LoggerFactory.getLogger(MeshLedger.class);
    private static final int PAGE = 1000;

    private final CoordinatorStore store;
    private final EventPublisher publisher;
    private final CoordinatorMetrics metrics;
    private final Clock clock;
    private final Map<String, MeshState> states = new HashMap<>();
    private final Map<String, Future<?>> tails = new HashMap<>();

    public MeshLedger(CoordinatorStore store, EventPublisher publisher, CoordinatorMetrics metrics, Clock clock) {
        this.store = store;
        this.publisher = publisher;
        this.metrics = metrics;
        this.clock = clock;
    }

    public CoordinatorStore store() {
        return store;
    }

    /** Runs {@code work} once every earlier serialized operation of {@code meshId} has finished (whatever its outcome). */
    public <T> Future<T> serialized(String meshId, Supplier<Future<T>> work) {
        Future<?> tail = tails.getOrDefault(meshId, Future.succeededFuture());
        Promise<T> done = Promise.promise();
        Future<T> result = done.future();
        tails.put(meshId, result);
        tail.onComplete(ignored -> {
            Future<T> f;
            try {
                f = work.get();
            } catch (RuntimeException e) {
                f = Future.failedFuture(e);
            }
            f.onComplete(done);
        });
        result.onComplete(ignored -> {
            if (tails.get(meshId) == result) tails.remove(meshId);
        });
        return result;
    }

    /**
     * Appends {@code payload} by {@code actor} with its {@code effect}; on commit the event is folded,
     * counted and published before the future completes.
     */
    public Future<Appended> append(String meshId, String actor, EventPayload payload, MeshEffect effect) {
        return append(meshId, actor, signer -> payload, effect);
    }

    /** What to append, decided from the mesh's current state at the event's time {@code at}. */
    @FunctionalInterface
    public interface Decision {
        /** The payload to append, or null to append nothing; may fail with a {@code Refusal} to refuse the request. */
        EventPayload decide(MeshState state, long at);
    }

    /**
     * Appends what {@code decision} derives from the current state, deciding and appending inside the mesh's
     * serialized section: no other append of this coordinator can change the state between the check and the commit
     * (member requests whose validity depends on the state, e.g. groups, docs/protocol.md §12.1). Completes with null
     * when the decision appends nothing.
     */
    public Future<Appended> appendDecided(String meshId, String actor, Decision decision) {
        long at = clock.millis();
        return serialized(meshId, () -> current(meshId).compose(state -> {
            EventPayload p = decision.decide(state, at);
            if (p == null) return Future.succeededFuture(null);
            EventSealer sealer = (head, signer) -> MeshEvent.seal(AuthorityKeys.identity(signer), meshId, head, at, actor, p);
            return store.append(meshId, sealer, new MeshEffect.None()).compose(a -> committed(a.event()).map(x -> a));
        }));
    }

    /** Rotates the authority key: a new key signs from the next event on; the rotation event is signed by the old one. */
    public Future<Appended> rotate(String meshId) {
        AuthorityKey next = AuthorityKeys.generate(meshId, clock.millis());
        return append(meshId, MeshEvent.COORDINATOR, signer -> new EventPayload.AuthorityRotated(signer.publicKey(), next.publicKey()),
                new MeshEffect.RotateAuthority(next)).onSuccess(a -> LOG.info("mesh {}: authority key rotated to {}…", meshId,
                next.publicKey().substring(0, 12)));
    }

    private Future<Appended> append(String meshId, String actor, Function<AuthorityKey, EventPayload> payload, MeshEffect effect) {
        long at = clock.millis();
        EventSealer sealer = (head, signer) -> MeshEvent.seal(AuthorityKeys.identity(signer), meshId, head, at, actor, payload.apply(signer));
        return serialized(meshId, () -> current(meshId)
                .compose(x -> store.append(meshId, sealer, effect))
                .compose(a -> committed(a.event()).map(x -> a)));
    }

    /**
     * Joins {@code candidate} through the store (invite use, member row and member_joined in one
     * transaction); a new member's event is published like any other.
     */
    public Future<JoinResult> join(String inviteId, int maxUses, MemberRecord candidate) {
        String meshId = candidate.meshId();
        EventSealer sealer = (head, signer) -> MeshEvent.seal(AuthorityKeys.identity(signer), meshId, head, candidate.joinedAt(),
                candidate.pubkey(), new EventPayload.MemberJoined(candidate.pubkey(), candidate.name(), candidate.role(), candidate.expiresAt()));
        return serialized(meshId, () -> current(meshId)
                .compose(x -> store.joinWithInvite(inviteId, maxUses, candidate, sealer))
                .compose(r -> r instanceof JoinResult.Joined j && j.event() != null ? committed(j.event()).map(x -> r) : Future.succeededFuture(r)));
    }

    private Future<Void> committed(MeshEvent e) {
        metrics.meshEvent(e.kind());
        return current(e.mesh()).map(state -> {
            publisher.publish(e);
            return null;
        });
    }

    /**
     * The state this coordinator last folded for {@code meshId}, without reading the store (null if never
     * read): for per-message checks on the hot path (grants), which must not cost a query per message.
     */
    public MeshState cached(String meshId) {
        return states.get(meshId);
    }

    /**
     * The mesh's state as of the newest stored event: the cached state caught up with the events stored
     * after it, each verified by {@link MeshState#apply}. A mesh created before mesh state existed is
     * adopted first (it gets an authority key and a genesis history). Fails with a {@link StoreException}
     * when the stored history does not verify (logged at ERROR).
     */
    public Future<MeshState> current(String meshId) {
        MeshState cached = states.get(meshId);
        if (cached != null) return catchUp(meshId, cached);
        return store.events(meshId, 0, PAGE).compose(first -> {
            if (first.isEmpty()) return adopt(meshId).compose(x -> current(meshId));
            MeshState empty;
            try {
                if (!(first.get(0).payload() instanceof EventPayload.MeshCreated c)) {
                    throw new MeshStateException(MeshStateException.Reason.MALFORMED, "event v1 is " + first.get(0).kind());
                }
                empty = MeshState.empty(meshId, c.authority());
            } catch (MeshStateException e) {
                return Future.failedFuture(broken(meshId, e));
            }
            return fold(meshId, empty, first);
        });
    }

    private Future<MeshState> catchUp(String meshId, MeshState from) {
        return store.events(meshId, from.version(), PAGE).compose(events -> events.isEmpty() ? Future.succeededFuture(from)
                : fold(meshId, from, events));
    }

    private Future<MeshState> fold(String meshId, MeshState from, List<MeshEvent> events) {
        MeshState s = from;
        try {
            for (MeshEvent e : events) s = s.apply(e);
        } catch (MeshStateException e) {
            states.remove(meshId);
            return Future.failedFuture(broken(meshId, e));
        }
        MeshState cached = states.get(meshId);
        if (cached == null || cached.version() < s.version()) states.put(meshId, s);
        return events.size() == PAGE ? catchUp(meshId, s) : Future.succeededFuture(s);
    }

    private static StoreException broken(String meshId, MeshStateException e) {
        LOG.error("mesh {}: the stored history does not verify ({}): {}", meshId, e.code(), e.getMessage());
        return new StoreException("mesh " + meshId + ": stored history does not verify (" + e.code() + ")");
    }

    private Future<Boolean> adopt(String meshId) {
        return store.findMesh(meshId).compose(mesh -> {
            if (mesh.isEmpty()) return Future.failedFuture(new StoreException.NoMeshState(meshId));
            MeshRecord m = mesh.get();
            return store.listMembers(meshId).compose(members -> store.listBans(meshId).compose(bans -> {
                long now = clock.millis();
                AuthorityKey key = AuthorityKeys.generate(meshId, now);
                List<MeshEvent> events = Genesis.adopted(AuthorityKeys.identity(key), m, members, bans, now);
                return store.adoptMesh(meshId, key, events).onSuccess(adopted -> {
                    if (adopted) LOG.info("mesh {} ({}) predates mesh state: adopted with a new authority key and {} genesis events",
                            m.name(), meshId, events.size());
                });
            }));
        });
    }
}
