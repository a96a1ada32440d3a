package dev.meshwire.peer.mesh;

import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.coordinator.JoinedMeshes;
import dev.meshwire.peer.coordinator.MeshSession;
import dev.meshwire.peer.ipc.GroupsApi;
import dev.meshwire.peer.ipc.api.GroupCreateRequest;
import dev.meshwire.peer.ipc.api.GroupDeleteRequest;
import dev.meshwire.peer.ipc.api.GroupItem;
import dev.meshwire.peer.ipc.api.GroupMemberItem;
import dev.meshwire.peer.ipc.api.GroupMemberRequest;
import dev.meshwire.peer.ipc.api.GroupReply;
import dev.meshwire.peer.ipc.api.GroupsReply;
import dev.meshwire.peer.ipc.api.PeerRef;
import dev.meshwire.peer.meshstate.MeshRoster;
import dev.meshwire.peer.meshstate.PeerLookup;
import dev.meshwire.signaling.frame.ErrorCode;
import dev.meshwire.signaling.frame.Frame;
import dev.meshwire.signaling.frame.Frames;
import dev.meshwire.signaling.group.GroupName;
import dev.meshwire.signaling.meshstate.GroupEntry;
import dev.meshwire.signaling.meshstate.MeshState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * {@code meshwire group create|add|remove|delete|list} (docs/protocol.md §12.1). Changing a group is a request to the
 * coordinator, which checks it with the group rules every replica applies and records it as a signed event; its
 * refusals keep their meaning here ({@code unknown_group}, {@code not_allowed}, {@code bad_request}). Listing reads the
 * local verified replica. Members resolve through the one resolver ({@link MeshRoster#resolve}); yourself is allowed
 * (a member adds or removes itself).
 */
public final class GroupOps implements GroupsApi {
    private static final PeerLookup MEMBER = new PeerLookup("add to a group", null, false);
    private final JoinedMeshes meshes;

    public GroupOps(JoinedMeshes meshes) {
        this.meshes = meshes;
    }

    @Override
    public GroupReply create(GroupCreateRequest req) {
        String name = name("name", req.name());
        MeshSession s = meshes.select(req.mesh());
        Frames.Ok ok = ask(s, id -> new Frames.GroupCreate(id, name));
        return new GroupReply(s.name(), "@" + name, null, null, ok.detail());
    }

    @Override
    public GroupReply member(GroupMemberRequest req) {
        String group = name("group", req.group());
        boolean remove = Boolean.TRUE.equals(req.remove());
        if (remove && req.role() != null) throw new PeerException(PeerException.BAD_REQUEST, "give either role or remove, not both");
        String role = remove ? null : req.role() == null ? GroupName.DEFAULT_ROLE : req.role().trim();
        if (role != null && GroupName.roleProblem(role) != null) throw new PeerException(PeerException.BAD_REQUEST, GroupName.roleProblem(role));
        if (req.member() == null || req.member().isBlank()) throw new PeerException(PeerException.BAD_REQUEST, "name a member");
        MeshSession s = meshes.select(req.mesh());
        Frames.PeerInfo p = remove ? inGroupOrResolve(s, group, req.member()) : s.roster().resolve(req.member(), MEMBER);
        Frames.Ok ok = ask(s, id -> new Frames.GroupMember(id, group, p.pubkey(), role));
        return new GroupReply(s.name(), "@" + group, new PeerRef(p.name(), p.pubkey()), role, ok.detail());
    }

    @Override
    public GroupReply delete(GroupDeleteRequest req) {
        String name = name("name", req.name());
        MeshSession s = meshes.select(req.mesh());
        Frames.Ok ok = ask(s, id -> new Frames.GroupDelete(id, name));
        return new GroupReply(s.name(), "@" + name, null, null, ok.detail());
    }

    @Override
    public GroupsReply list(String mesh) {
        MeshSession s = meshes.select(mesh);
        MeshRoster roster = s.roster();
        MeshState st = roster.replica().state();
        List<GroupItem> out = new ArrayList<>();
        if (st != null) {
            for (GroupEntry g : st.channels().groups()) {
                List<GroupMemberItem> members = new ArrayList<>();
                for (GroupEntry.Member m : g.members()) {
                    members.add(new GroupMemberItem(MeshConnector.nameOf(roster, m.pubkey()), m.pubkey(), m.role(), roster.isActive(m.pubkey())));
                }
                members.sort(Comparator.comparing((GroupMemberItem m) -> m.name() == null ? "" : m.name()).thenComparing(GroupMemberItem::pubkey));
                out.add(new GroupItem("@" + g.name(), new PeerRef(MeshConnector.nameOf(roster, g.createdBy()), g.createdBy()), g.createdAt(), members));
            }
        }
        return new GroupsReply(s.name(), roster.replica().version(), out);
    }

    /**
     * The member to take out of {@code group}: resolved as usual, or — for one the resolver no longer finds (an expired
     * membership stays listed in its groups) — a member of the group by exact name or key prefix (≥ 8 hex).
     */
    private static Frames.PeerInfo inGroupOrResolve(MeshSession s, String group, String typed) {
        try {
            return s.roster().resolve(typed, MEMBER);
        } catch (PeerException e) {
            if (!PeerException.UNKNOWN_PEER.equals(e.code())) throw e;
            MeshState st = s.roster().replica().state();
            String t = typed.trim();
            String lower = t.toLowerCase(java.util.Locale.ROOT);
            List<GroupEntry.Member> hits = st == null ? List.of() : st.channels().group(group).map(g -> g.members().stream()
                    .filter(m -> t.equals(MeshConnector.nameOf(s.roster(), m.pubkey()))
                            || (lower.length() >= 8 && m.pubkey().startsWith(lower))).toList()).orElse(List.of());
            if (hits.size() != 1) throw e;
            String key = hits.get(0).pubkey();
            return new Frames.PeerInfo(key, MeshConnector.nameOf(s.roster(), key), "member", false, null, null);
        }
    }

    /** A group name as typed, with or without its {@code @}. */
    private static String name(String field, String typed) {
        if (typed == null || typed.isBlank()) throw new PeerException(PeerException.BAD_REQUEST, "field '" + field + "' is required");
        String n = typed.trim();
        if (n.startsWith("@")) n = n.substring(1);
        String problem = GroupName.problem(n);
        if (problem != null) throw new PeerException(PeerException.BAD_REQUEST, problem);
        return n;
    }

    private static Frames.Ok ask(MeshSession s, java.util.function.Function<String, Frame> build) {
        s.requireConnected();
        String id = s.link().nextId();
        Frame answer = CoordinatorAnswers.reply(s, id, build.apply(id), code -> switch (code == null ? "" : code) {
            case ErrorCode.UNKNOWN_GROUP -> PeerException.UNKNOWN_GROUP;
            case ErrorCode.FORBIDDEN -> PeerException.NOT_ALLOWED;
            case ErrorCode.INVALID_FRAME -> PeerException.BAD_REQUEST;
            default -> PeerException.COORDINATOR_REFUSED;
        });
        if (answer instanceof Frames.Ok ok) return ok;
        throw new PeerException(PeerException.INTERNAL, "unexpected answer " + answer.type());
    }
}
