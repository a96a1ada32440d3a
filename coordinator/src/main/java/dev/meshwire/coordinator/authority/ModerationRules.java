package dev.meshwire.coordinator.authority;

import dev.meshwire.signaling.frame.ErrorCode;
import dev.meshwire.signaling.meshstate.MemberEntry;
import dev.meshwire.signaling.meshstate.MeshState;
import java.util.Optional;

/**
 * Who may act on whom (docs/protocol.md, "Moderation"), decided on the mesh state: the actor must be the
 * owner or an admin (or the owner alone for owner-only operations); nobody targets the owner; only the
 * owner targets an admin; nobody targets itself. Refusals are {@link Refusal}s that keep the session open.
 */
final class ModerationRules {
    private ModerationRules() {}

    /** Checks {@code actor} may perform {@code op} at all. */
    static void requireModerator(MeshState state, String actor, String op, boolean ownerOnly) {
        String role = state.entry(actor).map(MemberEntry::role).orElse(null);
        if (ownerOnly && !MemberEntry.OWNER.equals(role)) {
            throw Refusal.of(ErrorCode.NOT_OWNER, op + " is reserved to the mesh owner");
        }
        if (!MemberEntry.OWNER.equals(role) && !MemberEntry.ADMIN.equals(role)) {
            throw Refusal.of(ErrorCode.NOT_OWNER, op + " needs the mesh owner or an admin");
        }
    }

    /** Checks {@code actor} may perform {@code op} on {@code target} (whose entry may be absent: a key that is not a member). */
    static void requireMayTarget(MeshState state, String actor, String target, Optional<MemberEntry> entry, String op) {
        if (target.equals(actor)) throw Refusal.of(ErrorCode.INVALID_FRAME, "cannot " + op + " yourself");
        String targetRole = entry.map(MemberEntry::role).orElse(null);
        if (MemberEntry.OWNER.equals(targetRole)) throw Refusal.of(ErrorCode.NOT_OWNER, "nobody may " + op + " the mesh owner");
        String actorRole = state.entry(actor).map(MemberEntry::role).orElse(null);
        if (MemberEntry.ADMIN.equals(targetRole) && !MemberEntry.OWNER.equals(actorRole)) {
            throw Refusal.of(ErrorCode.NOT_OWNER, "only the mesh owner may " + op + " an admin");
        }
    }
}
