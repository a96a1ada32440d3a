package dev.meshwire.peer.mesh;

import dev.meshwire.peer.coordinator.CoordinatorLink;
import dev.meshwire.peer.coordinator.JoinedMeshes;
import dev.meshwire.peer.coordinator.LinkSettings;
import dev.meshwire.peer.coordinator.MeshSession;
import dev.meshwire.peer.events.DaemonEvent;
import dev.meshwire.peer.events.EventBus;
import dev.meshwire.peer.home.MeshConfig;
import dev.meshwire.peer.home.MeshStore;
import dev.meshwire.peer.inbox.InboundProcessor;
import dev.meshwire.peer.ipc.api.MeshStateEvent;
import dev.meshwire.peer.meshstate.MeshRoster;
import dev.meshwire.peer.meshstate.MeshStates;
import dev.meshwire.peer.outbox.DrainWorker;
import dev.meshwire.peer.p2p.DirectRegistry;
import dev.meshwire.signaling.crypto.BoxCipher;
import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.invite.Invite;
import dev.meshwire.signaling.meshstate.EventPayload;
import dev.meshwire.signaling.meshstate.MeshEvent;
import dev.meshwire.signaling.meshstate.MeshStateException;
import io.vertx.core.Vertx;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the coordinator link of a mesh and registers its session in {@link JoinedMeshes}: at start
 * for every stored mesh, and when a mesh is created, joined or reconnected. Each session gets the
 * mesh's roster from {@link MeshStates} (the same one across links).
 */
public final class MeshConnector {
    private static final Logger log = LoggerFactory.getLogger(MeshConnector.class);
    private final Vertx vertx;
    private final LinkSettings settings;
    private final MeshStore store;
    private final JoinedMeshes meshes;
    private final InboundProcessor inbound;
    private final DrainWorker drain;
    private final MeshStates states;
    private final EventBus events;
    private final DirectRegistry direct;
    private final Set<MeshRoster> announced = ConcurrentHashMap.newKeySet();

    public MeshConnector(Vertx vertx, LinkSettings settings, MeshStore store, JoinedMeshes meshes, InboundProcessor inbound,
                         DrainWorker drain, MeshStates states, EventBus events, DirectRegistry direct) {
        this.vertx = vertx;
        this.settings = settings;
        this.store = store;
        this.meshes = meshes;
        this.inbound = inbound;
        this.drain = drain;
        this.states = states;
        this.events = events;
        this.direct = direct;
    }

    public MeshStates states() {
        return states;
    }

    /** Starts the link of every mesh stored in the home, without waiting for any of them. */
    public void connectAllStored() {
        for (MeshConfig cfg : store.list()) {
            try {
                MeshStore.JoinedMesh jm = store.load(cfg);
                open(cfg, jm.identity(), null).start();
            } catch (RuntimeException e) {
                log.error("cannot open mesh {}: {}", cfg.name(), e.getMessage());
            }
        }
    }

    /**
     * Creates the link and, unless this is a join (whose record is only final once the coordinator
     * accepted it), registers the session; the caller starts the link.
     */
    public CoordinatorLink open(MeshConfig cfg, Identity identity, Invite joinInvite) {
        AtomicReference<MeshSession> holder = new AtomicReference<>();
        MeshRoster roster = states.open(cfg);
        announce(roster);
        LinkEventRouter router = new LinkEventRouter(cfg.name(), holder::get, vertx, inbound, drain, events, direct, roster);
        router.onPinned(() -> {
            // Trust on first use (v1 invite): the pin goes into mesh.json once the mesh is on disk.
            MeshSession s = holder.get();
            MeshConfig current = s != null && meshes.get(s.name()) != null ? meshes.get(s.name()).config() : cfg;
            if (store.exists(current.name())) store.save(current.withAuthority(roster.replica().pinnedAuthority()), null);
        });
        CoordinatorLink link = new CoordinatorLink(vertx, cfg.coordinator(), cfg.meshId(), identity, joinInvite,
                cfg.displayName(), settings, router);
        link.advertiseP2p(direct.enabled());
        MeshSession s = new MeshSession(cfg, identity, new BoxCipher(identity), link, roster);
        holder.set(s);
        if (joinInvite == null) meshes.put(s);
        return link;
    }

    /** Every applied event goes to {@code watch} as a {@code mesh_event} (once per roster). */
    private void announce(MeshRoster roster) {
        if (!announced.add(roster)) return;
        roster.replica().addListener((before, after, applied) -> {
            for (MeshEvent e : applied) {
                String subject = null;
                try {
                    EventPayload p = e.payload();
                    subject = p.subject();
                } catch (MeshStateException ignored) {
                    // verified events parse; nothing to name
                }
                events.publish(new DaemonEvent(DaemonEvent.MESH_EVENT, new MeshStateEvent(roster.replica().meshName(),
                        e.version(), e.kind(), e.at(), e.actor(), nameOf(roster, e.actor()), subject, nameOf(roster, subject))));
            }
        });
    }

    static String nameOf(MeshRoster roster, String pubkey) {
        if (pubkey == null) return null;
        if (MeshEvent.COORDINATOR.equals(pubkey)) return MeshEvent.COORDINATOR;
        return roster.entry(pubkey).map(e -> e.name()).orElse(null);
    }
}
