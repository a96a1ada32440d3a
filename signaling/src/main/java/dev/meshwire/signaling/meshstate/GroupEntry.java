package dev.meshwire.signaling.meshstate;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A named group of the mesh state ({@code @name}; docs/protocol.md §12.1): who created it and its members with
 * their role in the group. Immutable; changed only by {@link GroupRules}.
 *
 * @param createdBy the member key that created it (it may manage the group, like the mesh owner and admins)
 * @param members   the group's members, sorted by pubkey
 */
public record GroupEntry(String name, String createdBy, long createdAt, List<Member> members) {
    public GroupEntry {
        // nulls sort first so that a malformed snapshot reaches its validation (ChannelDirectory) instead of failing here
        members = members == null ? List.of() : members.stream()
                .sorted(Comparator.nullsFirst(Comparator.comparing(Member::pubkey, Comparator.nullsFirst(Comparator.naturalOrder())))).toList();
    }

    /** One member of a group and its role in it (e.g. {@code member}, {@code lead}). */
    public record Member(String pubkey, String role) {}

    /** The role of {@code pubkey} in this group, if it is a member. */
    public Optional<String> roleOf(String pubkey) {
        for (Member m : members) if (m.pubkey().equals(pubkey)) return Optional.of(m.role());
        return Optional.empty();
    }

    /** Whether {@code pubkey} is a member of this group. */
    public boolean includes(String pubkey) {
        return roleOf(pubkey).isPresent();
    }

    /** This group with {@code pubkey} at {@code role}, or without it when {@code role} is null. */
    GroupEntry with(String pubkey, String role) {
        List<Member> next = new ArrayList<>(members.size() + 1);
        for (Member m : members) if (!m.pubkey().equals(pubkey)) next.add(m);
        if (role != null) next.add(new Member(pubkey, role));
        return new GroupEntry(name, createdBy, createdAt, next);
    }
}
