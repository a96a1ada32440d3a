package dev.meshwire.peer.mesh;

import dev.meshwire.peer.meshstate.PeerLookup;
import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.coordinator.JoinedMeshes;
import dev.meshwire.peer.coordinator.MeshSession;
import dev.meshwire.peer.home.MeshStore;
import dev.meshwire.peer.ipc.MeshStateApi;
import dev.meshwire.peer.ipc.api.ExpireRequest;
import dev.meshwire.peer.ipc.api.LogEntry;
import dev.meshwire.peer.ipc.api.MembersReply;
import dev.meshwire.peer.ipc.api.MeshLogReply;
import dev.meshwire.peer.ipc.api.RenameRequest;
import dev.meshwire.peer.ipc.api.RevokeRequest;
import dev.meshwire.peer.ipc.api.RoleRequest;
import dev.meshwire.peer.ipc.api.StateChangeReply;
import dev.meshwire.peer.meshstate.MeshReplica;
import dev.meshwire.peer.meshstate.MeshRoster;
import dev.meshwire.signaling.Names;
import dev.meshwire.signaling.frame.Frame;
import dev.meshwire.signaling.frame.Frames;
import dev.meshwire.signaling.meshstate.EventPayload;
import dev.meshwire.signaling.meshstate.MemberEntry;
import dev.meshwire.signaling.meshstate.MeshEvent;
import dev.meshwire.signaling.meshstate.MeshStateException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mesh state as users see and change it: {@code meshwire members}, {@code mesh log}, {@code revoke},
 * {@code role}, {@code expire} and {@code rename}. Reads come from the local verified replica (they
 * work offline); changes are requests to the coordinator, which decides who may and answers with a
 * signed event that every daemon, this one included, applies.
 */
public final class MeshStateOps implements MeshStateApi {
    private static final Logger log = LoggerFactory.getLogger(MeshStateOps.class);
    private static final int MAX_REASON = 500;
    private final JoinedMeshes meshes;
    private final MeshStore store;

    public MeshStateOps(JoinedMeshes meshes, MeshStore store) {
        this.meshes = meshes;
        this.store = store;
    }

    @Override
    public MembersReply members(String mesh) {
        MeshSession s = meshes.select(mesh);
        s.link().refreshPresence();
        MeshReplica r = s.roster().replica();
        return new MembersReply(s.name(), r.version(), r.verified(), s.link().connected(), s.roster().members());
    }

    @Override
    public MeshLogReply log(String mesh) {
        MeshSession s = meshes.select(mesh);
        MeshRoster roster = s.roster();
        MeshReplica r = roster.replica();
        List<LogEntry> out = new ArrayList<>();
        for (MeshEvent e : r.events()) {
            String subject = null;
            try {
                EventPayload p = e.payload();
                subject = p instanceof EventPayload.AuthorityRotated rot ? rot.next() : p.subject();
            } catch (MeshStateException ignored) {
                // stored events verified; a kind this version does not know has no subject
            }
            out.add(new LogEntry(e.version(), e.kind(), e.at(), e.actor(), MeshConnector.nameOf(roster, e.actor()), subject,
                    MeshConnector.nameOf(roster, subject), e.hash(), e.data()));
        }
        return new MeshLogReply(s.name(), r.version(), r.verified(), r.authority(), r.pinnedAuthority(), out);
    }

    @Override
    public StateChangeReply revoke(RevokeRequest req) {
        MeshSession s = meshes.select(req.mesh()).requireConnected();
        Frames.PeerInfo target = target(s, req.peer(), "revoke");
        String reason = req.reason() == null || req.reason().isBlank() ? null : req.reason().trim();
        if (reason != null && reason.length() > MAX_REASON) {
            throw new PeerException(PeerException.BAD_REQUEST, "reason must be at most " + MAX_REASON + " characters");
        }
        String id = s.link().nextId();
        Frame answer = CoordinatorAnswers.reply(s, id, new Frames.Revoke(id, target.pubkey(), reason));
        return new StateChangeReply(s.name(), "revoke", target.name(), target.pubkey(), null, null, reason, detail(answer));
    }

    @Override
    public StateChangeReply setRole(RoleRequest req) {
        if (!MemberEntry.ADMIN.equals(req.role()) && !MemberEntry.MEMBER.equals(req.role())) {
            throw new PeerException(PeerException.BAD_REQUEST, "role must be admin or member (got '" + req.role() + "')");
        }
        MeshSession s = meshes.select(req.mesh()).requireConnected();
        Frames.PeerInfo target = target(s, req.peer(), "change the role of");
        String id = s.link().nextId();
        Frame answer = CoordinatorAnswers.reply(s, id, new Frames.SetRole(id, target.pubkey(), req.role()));
        return new StateChangeReply(s.name(), "set_role", target.name(), target.pubkey(), req.role(), null, null, detail(answer));
    }

    @Override
    public StateChangeReply setExpiry(ExpireRequest req) {
        if (Boolean.TRUE.equals(req.never()) == (req.expiresAt() != null)) {
            throw new PeerException(PeerException.BAD_REQUEST, "give either an expiry time or never");
        }
        if (req.expiresAt() != null && req.expiresAt() <= System.currentTimeMillis()) {
            throw new PeerException(PeerException.BAD_REQUEST, "the expiry time is in the past");
        }
        MeshSession s = meshes.select(req.mesh()).requireConnected();
        Frames.PeerInfo target = target(s, req.peer(), "set an expiry on");
        String id = s.link().nextId();
        Frame answer = CoordinatorAnswers.reply(s, id, new Frames.SetExpiry(id, target.pubkey(), req.expiresAt()));
        return new StateChangeReply(s.name(), "set_expiry", target.name(), target.pubkey(), null, req.expiresAt(), null, detail(answer));
    }

    @Override
    public StateChangeReply rename(RenameRequest req) {
        String bad = Names.checkDisplayName(req.name());
        if (bad != null) throw new PeerException(PeerException.BAD_REQUEST, bad);
        MeshSession s = meshes.select(req.mesh()).requireConnected();
        String id = s.link().nextId();
        Frame answer = CoordinatorAnswers.reply(s, id, new Frames.Rename(id, req.name()));
        // The join name is what a reconnecting link sends; keep the record in step with the mesh state.
        var cfg = s.config().withDisplayName(req.name());
        if (store.exists(s.name())) store.save(cfg, null);
        meshes.put(new MeshSession(cfg, s.identity(), s.cipher(), s.link(), s.roster()));
        return new StateChangeReply(s.name(), "rename", req.name(), s.selfPubkey(), null, null, null, detail(answer));
    }

    /** An active member other than self (the coordinator re-checks roles and targets). */
    private static Frames.PeerInfo target(MeshSession s, String peer, String what) {
        if (peer == null || peer.isBlank()) throw new PeerException(PeerException.BAD_REQUEST, "name a member");
        return s.roster().resolve(peer, PeerLookup.other(what));
    }

    private static String detail(Frame answer) {
        return answer instanceof Frames.Ok ok ? ok.detail() : null;
    }
}
