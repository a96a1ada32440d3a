package dev.meshwire.peer.mesh;

import dev.meshwire.peer.coordinator.CoordinatorLink;
import dev.meshwire.peer.coordinator.JoinedMeshes;
import dev.meshwire.peer.coordinator.LinkSettings;
import dev.meshwire.peer.coordinator.MeshSession;
import dev.meshwire.peer.events.EventBus;
import dev.meshwire.peer.home.MeshConfig;
import dev.meshwire.peer.home.MeshStore;
import dev.meshwire.peer.inbox.InboundProcessor;
import dev.meshwire.peer.outbox.DrainWorker;
import dev.meshwire.peer.p2p.DirectRegistry;
import dev.meshwire.signaling.crypto.BoxCipher;
import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.invite.Invite;
import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the coordinator link of a mesh and registers its session in {@link JoinedMeshes}: at start
 * for every stored mesh, and when a mesh is created, joined or reconnected.
 */
public final class MeshConnector {
    private static final Logger log = LoggerFactory.getLogger(MeshConnector.class);
    private final Vertx vertx;
    private final LinkSettings settings;
    private final MeshStore store;
    private final JoinedMeshes meshes;
    private final InboundProcessor inbound;
    private final DrainWorker drain;
    private final RosterCache rosters;
    private final EventBus events;
    private final DirectRegistry direct;

    public MeshConnector(Vertx vertx, LinkSettings settings, MeshStore store, JoinedMeshes meshes, InboundProcessor inbound,
                         DrainWorker drain, RosterCache rosters, EventBus events, DirectRegistry direct) {
        this.vertx = vertx;
        this.settings = settings;
        this.store = store;
        this.meshes = meshes;
        this.inbound = inbound;
        this.drain = drain;
        this.rosters = rosters;
        this.events = events;
        this.direct = direct;
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
        CoordinatorLink link = new CoordinatorLink(vertx, cfg.coordinator(), cfg.meshId(), identity, joinInvite,
                cfg.displayName(), settings, new LinkEventRouter(cfg.name(), holder::get, vertx, inbound, drain, rosters, events, direct));
        link.advertiseP2p(direct.enabled());
        if (joinInvite == null) link.seedRoster(store.loadRoster(cfg.name()));
        MeshSession s = new MeshSession(cfg, identity, new BoxCipher(identity), link);
        holder.set(s);
        if (joinInvite == null) meshes.put(s);
        return link;
    }
}
