package dev.meshwire.coordinator.store;

/** The outcome of {@link CoordinatorStore#joinWithInvite}, decided atomically in the store. */
public sealed interface JoinResult {
    /** The key is a member now; {@code alreadyMember} means no invite use was consumed. */
    record Joined(MemberRecord member, boolean alreadyMember) implements JoinResult {}

    /** Another member of the mesh already uses the requested display name. */
    record NameTaken(String name) implements JoinResult {}

    /** The invite has been used {@code maxUses} times. */
    record Exhausted(int maxUses) implements JoinResult {}
}
