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
import dev.meshwire.peer.meshstate.PeerLookup;
import dev.meshwire.peer.outbox.TargetResolver;
import dev.meshwire.signaling.frame.Frame;
import dev.meshwire.signaling.frame.Frames;
import java.time.Instant;
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
        s.requireConnected();
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
            target = s.roster().resolve(peer, PeerLookup.other(op));
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

    /** The banned keys of the verified mesh state (no coordinator round trip: works while it is unreachable). */
    @Override
    public BansReply bans(String mesh) {
        MeshSession s = meshes.select(mesh);
        List<BanItem> items = new ArrayList<>();
        for (Member m : s.roster().members()) {
            if (!MemberEntry.BANNED.equals(m.status())) continue;
            Member by = m.by() == null ? null : s.roster().member(m.by());
            items.add(new BanItem(m.name(), m.pubkey(), m.since(), m.since() == null ? null : Instant.ofEpochMilli(m.since()).toString(),
                    m.by(), by == null ? null : by.name(), m.reason()));
        }
        return new BansReply(s.name(), s.roster().replica().version(), s.roster().replica().verified(), items);
    }

    private List<Frames.BanInfo> fetchBans(MeshSession s) {
        String id = s.link().nextId();
        Frame f = CoordinatorAnswers.reply(s, id, new Frames.ListBans(id));
        return f instanceof Frames.Bans b && b.bans() != null ? b.bans() : List.of();
    }
}
