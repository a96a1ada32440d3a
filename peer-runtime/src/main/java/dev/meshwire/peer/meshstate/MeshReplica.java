package dev.meshwire.peer.meshstate;

import dev.meshwire.signaling.frame.Frames;
import dev.meshwire.signaling.meshstate.EventPayload;
import dev.meshwire.signaling.meshstate.MeshEvent;
import dev.meshwire.signaling.meshstate.MeshSnapshot;
import dev.meshwire.signaling.meshstate.MeshState;
import dev.meshwire.signaling.meshstate.MeshStateException;
import dev.meshwire.signaling.meshstate.StateRef;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This daemon's verified copy of one mesh's state (docs/protocol.md §6 "Mesh state"). Every event and
 * snapshot goes through {@link MeshState#apply} / {@link MeshSnapshot#verify} against the authority key
 * pinned at join or creation; what passes is written to {@link MeshStateStore} and only then becomes
 * the current state. What fails is refused: one log line naming the reason
 * ({@code mesh team: refused event v7 (chain_broken): …; resyncing}), a counter, a {@code state_sync}
 * request through the resync callback, and the replica — state and stored rows — stays as it was.
 * Never a silent apply.
 *
 * <p>"Current" means the {@code mesh_sync} of this coordinator connection was applied: the daemon holds
 * deliveries of the mesh until then ({@link DeliveryGate}), so a revocation is known before messages from
 * the revoked key are processed. A refusal makes the replica not current until the resync answer applies.
 *
 * <p>Blocking (JDBC): call the mutators off the event loop. They are synchronized; readers see the
 * latest state through a volatile field.
 */
public final class MeshReplica {
    private static final Logger log = LoggerFactory.getLogger(MeshReplica.class);

    /** Told after every change, with the state before and after (events empty for a snapshot). */
    @FunctionalInterface
    public interface Listener {
        void changed(MeshState before, MeshState after, List<MeshEvent> applied);
    }

    private final String meshId;
    private final MeshStateStore store;
    private final LongSupplier clock;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong refusals = new AtomicLong();
    private volatile String meshName;
    private volatile String pinned;
    private volatile MeshState state;
    private volatile boolean current;
    private volatile String lastRefusal;
    private volatile Consumer<StateRef> resync = have -> { };

    private MeshReplica(String meshId, String meshName, String pinned, MeshStateStore store, LongSupplier clock) {
        this.meshId = meshId;
        this.meshName = meshName;
        this.pinned = pinned;
        this.store = store;
        this.clock = clock;
    }

    /**
     * Rebuilds the replica of {@code meshId} from {@code store}, verifying everything again from the
     * pinned key (null: nothing can be verified until a key is pinned). A stored row that no longer
     * verifies stops the rebuild there: the replica keeps what verified and resyncs at the next hello.
     */
    public static MeshReplica load(String meshId, String meshName, String pinnedAuthority, MeshStateStore store, LongSupplier clock) {
        MeshReplica r = new MeshReplica(meshId, meshName, pinnedAuthority, store, clock);
        if (pinnedAuthority != null) r.state = r.rebuild();
        return r;
    }

    private MeshState rebuild() {
        MeshStateStore.Stored s = store.load(meshId);
        MeshState st = MeshState.empty(meshId, pinned);
        if (s.base() != null) {
            try {
                st = s.base().verify(meshId, pinned, null);
            } catch (MeshStateException e) {
                log.error("mesh {}: the stored snapshot v{} does not verify ({}): {}; starting from the events",
                        meshName, s.base().version(), e.code(), e.getMessage());
            }
        }
        for (MeshEvent e : s.events()) {
            if (e.version() <= st.version()) continue;
            try {
                st = st.apply(e);
            } catch (MeshStateException x) {
                log.error("mesh {}: stored event v{} does not verify ({}): {}; keeping v{} and resyncing",
                        meshName, e.version(), x.code(), x.getMessage(), st.version());
                break;
            }
        }
        if (st.version() > 0) log.debug("mesh {}: mesh state v{} loaded", meshName, st.version());
        return st;
    }

    /**
     * Replays the stored history from its base (the installed snapshot, else the genesis event), verifying it again,
     * and tells {@code visit} each stored event with the states before and after it (one event per call); stops at
     * the first that does not verify. Nothing changes. For listeners that must catch up with what was applied while
     * they could not record it (a crash between the store and them). Blocking.
     */
    public void replay(Listener visit) {
        String key = pinned;
        if (key == null) return;
        MeshStateStore.Stored s = store.load(meshId);
        MeshState st = MeshState.empty(meshId, key);
        try {
            if (s.base() != null) st = s.base().verify(meshId, key, null);
            for (MeshEvent e : s.events()) {
                if (e.version() <= st.version()) continue;
                MeshState next = st.apply(e);
                visit.changed(st, next, List.of(e));
                st = next;
            }
        } catch (MeshStateException e) {
            log.debug("mesh {}: replay stopped at v{}: {}", meshName, st.version(), e.getMessage());
        }
    }

    // ---- reading ----

    public String meshId() { return meshId; }
    public String meshName() { return meshName; }
    /** The pinned trust anchor, or null when none is known yet. */
    public String pinnedAuthority() { return pinned; }
    /** The verified state, or null while no authority key is pinned. */
    public MeshState state() { return state; }
    public StateRef head() { MeshState s = state; return s == null ? StateRef.EMPTY : s.head(); }
    public long version() { return head().version(); }
    /** The key that signs the next event (the pinned one unless a signed rotation moved it), or null. */
    public String authority() { MeshState s = state; return s == null ? pinned : s.authority(); }
    /** The mesh_sync of this connection was applied and nothing was refused since. */
    public boolean current() { return current; }
    /** Current and holding a verified history (what {@code status} shows as {@code stateVerified}). */
    public boolean verified() { return current && version() > 0; }
    /** Events or snapshots refused so far. */
    public long refusals() { return refusals.get(); }
    /** The last refusal's log line, or null. */
    public String lastRefusal() { return lastRefusal; }
    /** What {@code hello} says the replica holds; null when it holds nothing. */
    public StateRef helloState() { StateRef h = head(); return h.version() == 0 ? null : h; }
    /** The verified events held, oldest first (for {@code mesh log}). Blocking. */
    public List<MeshEvent> events() { return store.events(meshId); }

    public void addListener(Listener l) { listeners.add(l); }
    /** Where refusals ask for a resync ({@code state_sync{have}}): the daemon sends it on the mesh's link. */
    public void onResync(Consumer<StateRef> r) { this.resync = r == null ? have -> { } : r; }
    public void rename(String name) { this.meshName = name; }

    // ---- changing ----

    /**
     * Pins {@code authority} when no key is pinned yet (trust on first use, for a v1 invite). Returns
     * true if it was pinned now; a key already pinned is never replaced here.
     */
    public synchronized boolean pinIfAbsent(String authority) {
        if (pinned != null || authority == null) return false;
        pinned = authority;
        state = rebuild();
        return true;
    }

    /**
     * The key a trust-on-first-use replica pins from a {@code mesh_sync}: the authority named by the
     * genesis event, or, for a snapshot, the key its first rotation started from (the snapshot's own key
     * when it has none). Null when the sync names neither.
     */
    public static String firstAuthority(Frames.MeshSync m) {
        if (m == null) return null;
        try {
            if (m.snapshot() != null) {
                List<MeshEvent> rot = m.snapshot().rotations();
                if (rot != null && !rot.isEmpty() && rot.get(0) != null
                        && rot.get(0).payload() instanceof EventPayload.AuthorityRotated r) {
                    return r.previous();
                }
                return m.snapshot().authority();
            }
            if (m.events() != null && !m.events().isEmpty() && m.events().get(0) != null && m.events().get(0).version() == 1
                    && m.events().get(0).payload() instanceof EventPayload.MeshCreated c) {
                return c.authority();
            }
        } catch (MeshStateException e) {
            return null; // malformed: nothing to pin; the sync itself is refused when applied
        }
        return null;
    }

    /** A new coordinator connection said hello: not current until its mesh_sync is applied. */
    public void markStale() {
        current = false;
    }

    /**
     * Applies a {@code mesh_sync} (events or a snapshot). Returns true when the replica is current
     * afterwards; false after a refusal (logged, counted, resync requested, nothing changed).
     */
    public synchronized boolean onMeshSync(Frames.MeshSync m) {
        MeshState st = state;
        if (st == null) return noAuthority();
        if (m == null) return refuse("mesh_sync", MeshStateException.Reason.MALFORMED, "empty mesh_sync");
        if (m.mesh() != null && !meshId.equals(m.mesh())) {
            return refuse("mesh_sync", MeshStateException.Reason.WRONG_MESH, "mesh_sync is for mesh " + m.mesh() + ", not " + meshId);
        }
        if (m.snapshot() != null && m.events() != null && !m.events().isEmpty()) {
            return refuse("mesh_sync", MeshStateException.Reason.MALFORMED, "mesh_sync carries both events and a snapshot");
        }
        if (m.snapshot() != null) return installSnapshot(st, m.snapshot());
        List<MeshEvent> events = m.events() == null ? List.of() : m.events();
        if (!applyEvents(st, events)) return false;
        current = true;
        return true;
    }

    /**
     * Applies one pushed {@code system} event. A replay of an event already held (same version, same
     * hash) is ignored quietly. Returns false after a refusal.
     */
    public synchronized boolean onSystem(Frames.SystemEvent s) {
        MeshState st = state;
        if (st == null) return noAuthority();
        if (s == null || s.event() == null) return refuse("system event", MeshStateException.Reason.MALFORMED, "system frame without an event");
        if (s.mesh() != null && !meshId.equals(s.mesh())) {
            return refuse("event v" + s.event().version(), MeshStateException.Reason.WRONG_MESH,
                    "system frame is for mesh " + s.mesh() + ", not " + meshId);
        }
        return applyEvents(st, List.of(s.event()));
    }

    private boolean applyEvents(MeshState st, List<MeshEvent> events) {
        MeshState next = st;
        List<MeshEvent> fresh = new ArrayList<>();
        for (MeshEvent e : events) {
            if (e == null) return refuse("mesh_sync", MeshStateException.Reason.MALFORMED, "null event");
            if (e.version() <= next.version() && e.version() > 0 && alreadyHeld(e, fresh)) {
                log.debug("mesh {}: event v{} already held; ignored", meshName, e.version());
                continue;
            }
            try {
                next = next.apply(e);
                fresh.add(e);
            } catch (MeshStateException x) {
                return refuse("event v" + e.version(), x.reason(), x.getMessage());
            }
        }
        if (fresh.isEmpty()) return true;
        try {
            store.append(meshId, fresh);
        } catch (RuntimeException x) {
            log.error("mesh {}: cannot store mesh state events: {}; resyncing", meshName, x.getMessage());
            current = false;
            resync.accept(st.head());
            return false;
        }
        state = next;
        notifyListeners(st, next, fresh);
        return true;
    }

    private boolean alreadyHeld(MeshEvent e, List<MeshEvent> fresh) {
        String hash;
        try {
            hash = e.hash();
        } catch (MeshStateException x) {
            return false;
        }
        for (MeshEvent f : fresh) if (f.version() == e.version()) return f.hash().equals(hash);
        return hash.equals(store.hashAt(meshId, e.version()));
    }

    private boolean installSnapshot(MeshState st, MeshSnapshot snap) {
        MeshState next;
        try {
            next = snap.verify(meshId, st.authority(), st.head()); // rotations are walked from the key the replica follows now
        } catch (MeshStateException x) {
            return refuse("snapshot v" + snap.version(), x.reason(), x.getMessage());
        } catch (RuntimeException x) {
            return refuse("snapshot v" + snap.version(), MeshStateException.Reason.MALFORMED, String.valueOf(x.getMessage()));
        }
        if (next.head().equals(st.head())) {
            current = true; // the snapshot names exactly what we hold
            return true;
        }
        List<MeshEvent> keep = chainTo(snap.headEvent());
        try {
            store.install(meshId, snap, keep, clock.getAsLong());
        } catch (RuntimeException x) {
            log.error("mesh {}: cannot store the mesh state snapshot: {}; resyncing", meshName, x.getMessage());
            current = false;
            resync.accept(st.head());
            return false;
        }
        log.info("mesh {}: installed signed snapshot v{} (was v{})", meshName, next.version(), st.version());
        state = next;
        current = true;
        notifyListeners(st, next, List.of());
        return true;
    }

    /** The stored events that {@code head} chains back to, oldest first (the rest was another history). */
    private List<MeshEvent> chainTo(MeshEvent head) {
        List<MeshEvent> stored = store.events(meshId);
        List<MeshEvent> keep = new ArrayList<>();
        String want = head.prev();
        for (int i = stored.size() - 1; i >= 0; i--) {
            MeshEvent e = stored.get(i);
            if (e.version() >= head.version()) continue;
            if (e.version() != head.version() - 1 - keep.size() || !e.hash().equals(want)) break;
            keep.add(0, e);
            want = e.prev();
        }
        return keep;
    }

    private boolean noAuthority() {
        current = false;
        String line = "mesh " + meshName + ": cannot verify the mesh state: no authority key is pinned (the coordinator named none)";
        if (!line.equals(lastRefusal)) log.error(line);
        lastRefusal = line;
        return false;
    }

    private boolean refuse(String what, MeshStateException.Reason reason, String message) {
        refusals.incrementAndGet();
        current = false;
        String line = "mesh " + meshName + ": refused " + what + " (" + reason.name().toLowerCase(java.util.Locale.ROOT) + "): "
                + message + "; resyncing";
        lastRefusal = line;
        log.warn(line);
        try {
            resync.accept(head());
        } catch (RuntimeException e) {
            log.debug("resync request failed: {}", e.toString());
        }
        return false;
    }

    private void notifyListeners(MeshState before, MeshState after, List<MeshEvent> applied) {
        for (Listener l : listeners) {
            try {
                l.changed(before, after, applied);
            } catch (RuntimeException e) {
                log.warn("mesh {}: mesh state listener failed", meshName, e);
            }
        }
    }

    long now() {
        return clock.getAsLong();
    }
}
