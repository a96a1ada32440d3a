package dev.meshwire.coordinator.store;

import dev.meshwire.signaling.meshstate.MeshEvent;

/** The outcome of {@link CoordinatorStore#joinWithInvite}, decided atomically in the store. */
public sealed interface JoinResult {
    /**
     * The key is a member now; {@code alreadyMember} means no invite use was consumed and no event was
     * appended ({@code event} is null); otherwise {@code event} is the committed member_joined.
     */
    record Joined(MemberRecord member, boolean alreadyMember, MeshEvent event) implements JoinResult {}

    /** Another member of the mesh already uses the requested display name. */
    record NameTaken(String name) implements JoinResult {}

    /** The invite has been used {@code maxUses} times. */
    record Exhausted(int maxUses) implements JoinResult {}
}
