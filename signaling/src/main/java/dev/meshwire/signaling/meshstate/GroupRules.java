package dev.meshwire.signaling.meshstate;

import dev.meshwire.signaling.group.GroupName;
import java.util.Map;
import java.util.TreeMap;

/**
 * How mesh events change the groups of a state (docs/protocol.md §12.1), and who may make them. Every replica and the
 * coordinator run these rules: the coordinator asks {@link #refusal} before it appends a member's request, so that it
 * never signs an event its own replicas would refuse.
 *
 * <p>Rules: a group name is {@link GroupName#problem valid} and not {@code all}; any active member may create a group
 * (it is the group's creator); the creator and the mesh's owner and admins may add anyone, change roles, remove anyone
 * and delete the group; a member may remove itself; only an active member can be added. A member who leaves, is
 * revoked or banned drops out of every group (the same event; no separate group event).
 */
public final class GroupRules {
    /** At most this many groups per mesh (the state travels in every snapshot). */
    public static final int MAX_GROUPS = 256;

    private GroupRules() {}

    /**
     * Why {@code actor} may not make {@code p} at {@code at} on top of {@code before}, or null when it may (also null for a
     * payload that is not a group event). The fields are already validated ({@link EventPayload#parse}).
     */
    public static String refusal(MeshState before, String actor, EventPayload p, long at) {
        Map<String, GroupEntry> groups = before.channels().groupMap();
        if (p instanceof EventPayload.GroupCreated c) {
            if (!before.isActive(actor, at)) return "only an active member may create a group";
            if (groups.containsKey(c.name())) return "group @" + c.name() + " already exists";
            if (groups.size() >= MAX_GROUPS) return "the mesh already has " + MAX_GROUPS + " groups (the limit)";
            return null;
        }
        if (p instanceof EventPayload.GroupMemberSet s) {
            GroupEntry g = groups.get(s.group());
            if (g == null) return "no group @" + s.group();
            if (!before.isActive(actor, at)) return "only an active member may change a group";
            boolean self = actor.equals(s.pubkey());
            if (s.role() == null) {
                if (!g.includes(s.pubkey())) return "not a member of @" + s.group();
                if (!self && !mayManage(before, g, actor)) {
                    return "only the group's creator, the mesh owner or an admin may remove another member from @" + s.group();
                }
                return null;
            }
            if (!mayManage(before, g, actor)) {
                return "only the group's creator, the mesh owner or an admin may add members to @" + s.group() + " or change their role";
            }
            if (!before.isActive(s.pubkey(), at)) return "only an active member of the mesh can be added to a group";
            return null;
        }
        if (p instanceof EventPayload.GroupDeleted d) {
            GroupEntry g = groups.get(d.name());
            if (g == null) return "no group @" + d.name();
            if (!before.isActive(actor, at) || !mayManage(before, g, actor)) {
                return "only the group's creator, the mesh owner or an admin may delete @" + d.name();
            }
            return null;
        }
        return null;
    }

    /** The group's creator, or a mesh owner or admin. */
    public static boolean mayManage(MeshState state, GroupEntry g, String actor) {
        return actor.equals(g.createdBy()) || state.entry(actor).map(MemberEntry::canModerate).orElse(false);
    }

    /**
     * The groups after {@code e} (already verified and chained onto {@code before}); {@code groups} itself when the
     * event does not touch them. Never mutates {@code groups}.
     *
     * @throws MeshStateException MALFORMED when the event breaks a group rule
     */
    static TreeMap<String, GroupEntry> apply(MeshState before, TreeMap<String, GroupEntry> groups, MeshEvent e, EventPayload p) {
        if (p instanceof EventPayload.MemberLeft x) return without(groups, x.pubkey());
        if (p instanceof EventPayload.MemberRevoked x) return without(groups, x.pubkey());
        if (p instanceof EventPayload.MemberBanned x) return without(groups, x.pubkey());
        if (!(p instanceof EventPayload.GroupCreated || p instanceof EventPayload.GroupMemberSet || p instanceof EventPayload.GroupDeleted)) {
            return groups;
        }
        String why = refusal(before, e.actor(), p, e.at());
        if (why != null) {
            throw new MeshStateException(MeshStateException.Reason.MALFORMED, p.kind() + " v" + e.version() + ": " + why
                    + " (actor " + MeshState.abbrev(e.actor()) + ")");
        }
        TreeMap<String, GroupEntry> out = new TreeMap<>(groups);
        if (p instanceof EventPayload.GroupCreated c) {
            out.put(c.name(), new GroupEntry(c.name(), e.actor(), e.at(), null));
        } else if (p instanceof EventPayload.GroupMemberSet s) {
            out.put(s.group(), out.get(s.group()).with(s.pubkey(), s.role()));
        } else if (p instanceof EventPayload.GroupDeleted d) {
            out.remove(d.name());
        }
        return out;
    }

    /** {@code groups} with {@code pubkey} out of every group; {@code groups} itself when it was in none. */
    private static TreeMap<String, GroupEntry> without(TreeMap<String, GroupEntry> groups, String pubkey) {
        TreeMap<String, GroupEntry> out = null;
        for (GroupEntry g : groups.values()) {
            if (!g.includes(pubkey)) continue;
            if (out == null) out = new TreeMap<>(groups);
            out.put(g.name(), g.with(pubkey, null));
        }
        return out == null ? groups : out;
    }
}
