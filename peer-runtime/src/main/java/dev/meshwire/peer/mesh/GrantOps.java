package dev.meshwire.peer.mesh;

import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.coordinator.JoinedMeshes;
import dev.meshwire.peer.coordinator.MeshSession;
import dev.meshwire.peer.ipc.GrantsApi;
import dev.meshwire.peer.ipc.api.GrantItem;
import dev.meshwire.peer.ipc.api.GrantReply;
import dev.meshwire.peer.ipc.api.GrantRequest;
import dev.meshwire.peer.ipc.api.GrantsReply;
import dev.meshwire.peer.ipc.api.PeerRef;
import dev.meshwire.peer.meshstate.MeshRoster;
import dev.meshwire.peer.meshstate.PeerLookup;
import dev.meshwire.signaling.frame.Frame;
import dev.meshwire.signaling.frame.Frames;
import dev.meshwire.signaling.grants.Caps;
import dev.meshwire.signaling.grants.GrantEntry;
import dev.meshwire.signaling.grants.Grants;
import dev.meshwire.signaling.meshstate.MeshState;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;

/**
 * {@code meshwire grant|block|grants}: a member's grants. Setting one is a request to the coordinator (the
 * member's own act, recorded as a signed {@code grant_set} event every daemon applies); listing reads the local
 * verified replica. Peer names resolve through the one resolver ({@link MeshRoster#resolve}), as for send and
 * ping; {@code *} means every sender without an own grant; a full key the replica does not know yet is accepted
 * (a key can be blocked before it joins).
 */
public final class GrantOps implements GrantsApi {
    private static final PeerLookup GRANT = new PeerLookup("grant", PeerException.BAD_REQUEST, true);
    private final JoinedMeshes meshes;

    public GrantOps(JoinedMeshes meshes) {
        this.meshes = meshes;
    }

    @Override
    public GrantReply grant(GrantRequest req) {
        boolean reset = Boolean.TRUE.equals(req.reset());
        if (reset == (req.caps() != null)) throw new PeerException(PeerException.BAD_REQUEST, "give either caps or reset");
        SortedSet<String> caps;
        try {
            caps = reset ? null : Caps.parse(req.caps());
        } catch (IllegalArgumentException e) {
            throw new PeerException(PeerException.BAD_REQUEST, e.getMessage());
        }
        if (req.peer() == null || req.peer().isBlank()) throw new PeerException(PeerException.BAD_REQUEST, "name a member or '*'");
        MeshSession s = meshes.select(req.mesh());
        boolean everyone = Grants.ANY.equals(req.peer().trim());
        PeerRef sender = everyone ? null : ref(s.roster().resolve(req.peer(), GRANT));
        s.requireConnected();
        String id = s.link().nextId();
        String wire = caps == null ? null : Caps.csv(caps);
        Frame answer = CoordinatorAnswers.reply(s, id, new Frames.SetGrant(id, everyone ? Grants.ANY : sender.pubkey(), wire));
        return new GrantReply(s.name(), sender, everyone, caps == null ? null : List.copyOf(caps), answer instanceof Frames.Ok ok ? ok.detail() : null);
    }

    @Override
    public GrantsReply grants(String mesh) {
        MeshSession s = meshes.select(mesh);
        MeshRoster roster = s.roster();
        MeshState st = roster.replica().state();
        List<GrantItem> mine = new ArrayList<>();
        List<GrantItem> toYou = new ArrayList<>();
        if (st != null) {
            String self = s.selfPubkey();
            for (GrantEntry g : st.grants()) {
                boolean everyone = Grants.ANY.equals(g.sender());
                GrantItem item = new GrantItem(key(roster, g.recipient()), everyone ? null : key(roster, g.sender()), everyone,
                        List.copyOf(Caps.fromCsv(g.caps())), g.at());
                if (g.recipient().equals(self)) mine.add(item);
                else if (g.sender().equals(self) || (everyone && !st.grantsOf(g.recipient()).containsKey(self))) toYou.add(item);
            }
        }
        return new GrantsReply(s.name(), roster.replica().version(), mine, toYou);
    }

    private static PeerRef ref(Frames.PeerInfo p) {
        return new PeerRef(p.name(), p.pubkey());
    }

    private static PeerRef key(MeshRoster roster, String pubkey) {
        return new PeerRef(MeshConnector.nameOf(roster, pubkey), pubkey);
    }
}
