package dev.meshwire.peer.mesh;

import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.coordinator.JoinedMeshes;
import dev.meshwire.peer.coordinator.MeshSession;
import dev.meshwire.peer.ipc.ModerationApi;
import dev.meshwire.peer.ipc.api.BanItem;
import dev.meshwire.peer.ipc.api.BansReply;
import dev.meshwire.peer.ipc.api.ModerationReply;
import dev.meshwire.peer.meshstate.Member;
import dev.meshwire.signaling.meshstate.MemberEntry;
import dev.meshwire.peer.outbox.TargetResolver;
import dev.meshwire.signaling.frame.Frame;
import dev.meshwire.signaling.frame.Frames;
import java.util.ArrayList;
import java.util.List;

/**
 * Kick, ban and unban over the coordinator link. The coordinator decides who may (owner only); the
 * daemon only resolves the member and refuses the obvious mistakes (yourself, not connected).
 */
public final class Moderation implements ModerationApi {
    private final JoinedMeshes meshes;

    public Moderation(JoinedMeshes meshes) {
        this.meshes = meshes;
    }

    @Override
    public ModerationReply moderate(String op, String mesh, String peer) {
        MeshSession s = meshes.select(mesh);
        if (!s.link().connected()) {
            throw new PeerException(PeerException.COORDINATOR_UNREACHABLE, "not connected to the coordinator of mesh '"
                    + s.name() + "' (" + s.link().describeState() + ")");
        }
        Frames.PeerInfo target;
        if (op.equals("unban")) {
            // Banned keys are not members: resolve among the banned keys of the mesh state, else the coordinator's list.
            List<Frames.PeerInfo> banned = new ArrayList<>();
            for (Member m : s.roster().members()) {
                if (MemberEntry.BANNED.equals(m.status())) banned.add(new Frames.PeerInfo(m.pubkey(), m.name(), "member", false, null, null));
            }
            if (banned.isEmpty()) {
                for (Frames.BanInfo b : fetchBans(s)) banned.add(new Frames.PeerInfo(b.pubkey(), b.name(), "member", false, null, null));
            }
            target = TargetResolver.resolveOne(peer, banned, s.selfPubkey(), false);
        } else {
            target = s.roster().resolveOne(peer, false);
            if (target.pubkey().equals(s.selfPubkey())) {
                throw new PeerException(PeerException.BAD_REQUEST, "refusing to " + op + " yourself");
            }
        }
        String id = s.link().nextId();
        Frame req = switch (op) {
            case "kick" -> new Frames.Kick(id, target.pubkey());
            case "ban" -> new Frames.Ban(id, target.pubkey());
            case "unban" -> new Frames.Unban(id, target.pubkey());
            default -> throw new PeerException(PeerException.BAD_REQUEST, "unknown operation " + op);
        };
        Frame answer = CoordinatorAnswers.reply(s, id, req);
        String detail = answer instanceof Frames.Ok ok ? ok.detail() : null;
        return new ModerationReply(s.name(), op, target.name(), target.pubkey(), detail);
    }

    @Override
    public BansReply bans(String mesh) {
        MeshSession s = meshes.select(mesh);
        List<BanItem> out = new ArrayList<>();
        for (Frames.BanInfo b : fetchBans(s)) out.add(new BanItem(b.name(), b.pubkey(), b.bannedAt()));
        return new BansReply(s.name(), out);
    }

    private List<Frames.BanInfo> fetchBans(MeshSession s) {
        String id = s.link().nextId();
        Frame f = CoordinatorAnswers.reply(s, id, new Frames.ListBans(id));
        return f instanceof Frames.Bans b && b.bans() != null ? b.bans() : List.of();
    }
}
