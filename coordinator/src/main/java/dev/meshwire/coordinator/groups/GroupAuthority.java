package dev.meshwire.coordinator.groups;

import dev.meshwire.coordinator.authority.MeshAuthority;
import dev.meshwire.coordinator.authority.Refusal;
import dev.meshwire.coordinator.meshstate.MeshLedger;
import dev.meshwire.coordinator.store.MeshRecord;
import dev.meshwire.signaling.crypto.Hex;
import dev.meshwire.signaling.crypto.PublicKey;
import dev.meshwire.signaling.frame.ErrorCode;
import dev.meshwire.signaling.frame.Frames;
import dev.meshwire.signaling.group.GroupName;
import dev.meshwire.signaling.meshstate.EventPayload;
import dev.meshwire.signaling.meshstate.GroupEntry;
import dev.meshwire.signaling.meshstate.GroupRules;
import dev.meshwire.signaling.meshstate.MeshState;
import io.vertx.core.Future;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code group_create}, {@code group_member}, {@code group_delete} (docs/protocol.md §12.1): a member's requests about
 * groups. The coordinator checks the request against its current mesh state with the same {@link GroupRules} every
 * replica applies, inside the mesh's serialized section ({@link MeshLedger#appendDecided}), and appends one event with
 * the member as actor — or refuses with a clear {@code error}: {@code invalid_frame} (malformed name, key or role),
 * {@code unknown_group}, {@code forbidden} (not allowed, or the key is not an active member). A request that changes
 * nothing is answered {@code ok} with "unchanged" and appends nothing.
 */
public final class GroupAuthority {
    private final MeshLedger ledger;

    public GroupAuthority(MeshLedger ledger) {
        this.ledger = ledger;
    }

    public Future<Frames.Ok> create(MeshRecord mesh, String self, Frames.GroupCreate req) {
        String name = req.name();
        String problem = GroupName.problem(name);
        if (problem != null) return Future.failedFuture(Refusal.of(ErrorCode.INVALID_FRAME, "group_create: " + problem));
        EventPayload p = new EventPayload.GroupCreated(name);
        return ledger.appendDecided(mesh.id(), self, (state, at) -> {
            if (state.channels().group(name).isPresent()) {
                throw Refusal.of(ErrorCode.INVALID_FRAME, "group_create: group @" + name + " already exists");
            }
            return checked("group_create", state, self, p, at);
        }).map(a -> new Frames.Ok(req.id(), "group_create", "@" + name, "created @" + name + " (empty)"));
    }

    public Future<Frames.Ok> member(MeshRecord mesh, String self, Frames.GroupMember req) {
        String group = req.group();
        String member = req.member();
        String role = req.role();
        try {
            String problem = GroupName.problem(group);
            if (problem != null) throw Refusal.of(ErrorCode.INVALID_FRAME, "group_member: " + problem);
            if (!Hex.isHex(member, PublicKey.HEX_CHARS)) {
                throw Refusal.of(ErrorCode.INVALID_FRAME, "group_member: member must be a full public key (64 lowercase hex characters)");
            }
            if (role != null && GroupName.roleProblem(role) != null) {
                throw Refusal.of(ErrorCode.INVALID_FRAME, "group_member: " + GroupName.roleProblem(role));
            }
        } catch (Refusal r) {
            return Future.failedFuture(r);
        }
        String who = MeshAuthority.prefix(member) + "…";
        String[] detail = new String[1];
        return ledger.appendDecided(mesh.id(), self, (state, at) -> {
            GroupEntry g = group(state, "group_member", group);
            Optional<String> now = g.roleOf(member);
            if (Objects.equals(now.orElse(null), role)) {
                detail[0] = "unchanged: " + who + (role == null ? " is not in @" + group : " is already in @" + group + " as " + role);
                return null;
            }
            detail[0] = role == null ? who + " removed from @" + group
                    : who + (now.isPresent() ? " is now " + role + " in @" : " added to @") + group + (now.isPresent() ? "" : " as " + role);
            return checked("group_member", state, self, new EventPayload.GroupMemberSet(group, member, role), at);
        }).map(a -> new Frames.Ok(req.id(), "group_member", "@" + group, detail[0]));
    }

    public Future<Frames.Ok> delete(MeshRecord mesh, String self, Frames.GroupDelete req) {
        String name = req.name();
        String problem = GroupName.problem(name);
        if (problem != null) return Future.failedFuture(Refusal.of(ErrorCode.INVALID_FRAME, "group_delete: " + problem));
        return ledger.appendDecided(mesh.id(), self, (state, at) -> {
            group(state, "group_delete", name);
            return checked("group_delete", state, self, new EventPayload.GroupDeleted(name), at);
        }).map(a -> new Frames.Ok(req.id(), "group_delete", "@" + name, "deleted @" + name));
    }

    private static GroupEntry group(MeshState state, String op, String name) {
        return state.channels().group(name).orElseThrow(() -> Refusal.of(ErrorCode.UNKNOWN_GROUP, op + ": no group @" + name
                + " in this mesh" + (state.channels().groups().isEmpty() ? " (it has no groups)" : "")));
    }

    /** {@code p} when the shared rules allow it; else refused as {@code forbidden} with the rule's words. */
    private static EventPayload checked(String op, MeshState state, String self, EventPayload p, long at) {
        String why = GroupRules.refusal(state, self, p, at);
        if (why != null) throw Refusal.of(ErrorCode.FORBIDDEN, op + ": " + why);
        return p;
    }
}
