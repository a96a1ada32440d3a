package dev.meshwire.peer.mesh;

import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.coordinator.JoinedMeshes;
import dev.meshwire.peer.coordinator.MeshSession;
import dev.meshwire.peer.home.MeshStore;
import dev.meshwire.peer.ipc.api.ErrorFields;
import dev.meshwire.peer.ipc.api.MeshRemovedReply;
import dev.meshwire.peer.meshstate.MeshStates;
import dev.meshwire.peer.outbox.OutboxStore;
import dev.meshwire.signaling.frame.Frame;
import dev.meshwire.signaling.frame.Frames;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ending a membership on this machine: {@code leave} (the coordinator is told with the {@code leave} frame and
 * records {@code member_left}; docs/protocol.md) and {@code forget} (local only). Both close the mesh's link and
 * direct channels, drop its replica, delete {@code meshes/<name>/} (record and identity key) and abort the sends
 * to it that are still pending — only with {@code force}: without it, pending sends refuse the removal
 * ({@code outbox_pending}), so nothing is dropped by surprise. Received messages stay in the inbox.
 */
public final class MeshDeparture {
    /** The refusal code when sends to the mesh are still pending and {@code force} is not given. */
    public static final String OUTBOX_PENDING = "outbox_pending";
    private static final Logger log = LoggerFactory.getLogger(MeshDeparture.class);

    private final JoinedMeshes meshes;
    private final MeshStore store;
    private final MeshStates states;
    private final OutboxStore outbox;

    public MeshDeparture(JoinedMeshes meshes, MeshStore store, MeshStates states, OutboxStore outbox) {
        this.meshes = meshes;
        this.store = store;
        this.states = states;
        this.outbox = outbox;
    }

    /** Leaves the mesh on its coordinator, then forgets it here. The owner cannot leave (the coordinator refuses too). */
    public MeshRemovedReply leave(String mesh, boolean force) {
        MeshSession s = meshes.select(mesh);
        String role = s.roster().entry(s.selfPubkey()).map(e -> e.role()).filter(r -> r != null).orElse(s.config().role());
        if ("owner".equals(role)) {
            throw new PeerException(PeerException.BAD_REQUEST, "you own mesh '" + s.name() + "' and the owner cannot leave it; "
                    + "'meshwire mesh rm " + s.name() + "' forgets it on this machine (it stays on the coordinator)");
        }
        refusePending(s, force, "meshwire leave --mesh " + s.name() + " --force");
        if (!s.link().connected()) {
            throw new PeerException(PeerException.COORDINATOR_UNREACHABLE, "not connected to the coordinator of mesh '" + s.name()
                    + "' (" + s.link().describeState() + "), so it cannot be told; retry when connected, or 'meshwire mesh rm "
                    + s.name() + "' forgets the mesh here only");
        }
        String id = s.link().nextId();
        Frame answer = CoordinatorAnswers.reply(s, id, new Frames.Leave(id));
        String detail = answer instanceof Frames.Ok ok ? ok.detail() : null;
        long abandoned = remove(s, "leave");
        log.info("mesh {}: left ({}); {} pending send(s) aborted", s.name(), detail, abandoned);
        return new MeshRemovedReply(s.name(), s.config().meshId(), s.config().coordinator(), s.selfPubkey(), true, abandoned, detail);
    }

    /** Forgets the mesh on this machine only; the membership stays on the coordinator. */
    public MeshRemovedReply forget(String mesh, boolean force) {
        if (mesh == null || mesh.isBlank()) {
            throw new PeerException(PeerException.BAD_REQUEST, "name the mesh to forget", List.of(), ErrorFields.field("mesh"));
        }
        MeshSession s = meshes.select(mesh);
        refusePending(s, force, "meshwire mesh rm " + s.name() + " --force");
        long abandoned = remove(s, "mesh rm");
        log.info("mesh {}: forgotten on this machine; {} pending send(s) aborted", s.name(), abandoned);
        return new MeshRemovedReply(s.name(), s.config().meshId(), s.config().coordinator(), s.selfPubkey(), false, abandoned, null);
    }

    /** Refuses with outbox_pending while sends to the mesh are unfinished, unless forced; {@code forced} is the command that forces. */
    private void refusePending(MeshSession s, boolean force, String forced) {
        long pending = outbox.unfinished(s.config().meshId());
        if (pending > 0 && !force) {
            throw new PeerException(OUTBOX_PENDING, pending + " send(s) to mesh '" + s.name() + "' are still pending and would never "
                    + "be delivered; see 'meshwire outbox --pending --mesh " + s.name() + "', or run '" + forced + "' to abort them");
        }
    }

    /** Closes the link (and with it the direct channels), forgets the replica and the record, aborts pending sends. */
    private long remove(MeshSession s, String by) {
        meshes.remove(s.name());
        s.link().close();
        states.discard(s.config().meshId());
        store.remove(s.name());
        return outbox.abortUnfinished(s.config().meshId(), by, System.currentTimeMillis());
    }
}
