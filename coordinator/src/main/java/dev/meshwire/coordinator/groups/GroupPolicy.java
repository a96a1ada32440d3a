package dev.meshwire.coordinator.groups;

import dev.meshwire.coordinator.meshstate.MeshLedger;
import dev.meshwire.signaling.group.GroupName;
import dev.meshwire.signaling.meshstate.GroupEntry;
import dev.meshwire.signaling.meshstate.MeshState;
import java.util.Optional;

/**
 * The relay's check of a {@code group} copy addressed to {@code @name} (docs/protocol.md §12.1): the recipient's member
 * must be in that group in the coordinator's state, so that a sender with a stale view (or a forged target) cannot
 * make the coordinator deliver a group message to someone outside the group. {@code *} and {@code @all} mean every
 * member and are not checked here. Synchronous: it reads the ledger's cached state (no query per message).
 */
public final class GroupPolicy {
    private final MeshLedger ledger;

    public GroupPolicy(MeshLedger ledger) {
        this.ledger = ledger;
    }

    /** The refusal (error code and message) for a copy of {@code target} to {@code recipientMember}; empty when allowed. */
    public Optional<Refused> refusal(String meshId, String target, String recipientMember) {
        String name = GroupName.fromAddress(target);
        if (name == null || GroupName.ALL.equals(name)) return Optional.empty();
        MeshState s = ledger.cached(meshId);
        if (s == null) return Optional.empty(); // no verified state here: the receivers check membership on every path
        Optional<GroupEntry> g = s.channels().group(name);
        if (g.isEmpty()) return Optional.of(new Refused(true, "send: no group @" + name + " in this mesh"));
        if (!g.get().includes(recipientMember)) {
            return Optional.of(new Refused(false, "send: the recipient is not a member of @" + name));
        }
        return Optional.empty();
    }

    /** @param unknownGroup true when the group does not exist (code {@code unknown_group}), else {@code forbidden} */
    public record Refused(boolean unknownGroup, String message) {}
}
