package dev.meshwire.signaling.meshstate;

import java.util.Comparator;
import java.util.List;

/**
 * A named group of the mesh state ({@code @name}; docs/protocol.md §12.1): who created it and its members with
 * their role in the group. Immutable.
 *
 * @param members the group's members, sorted by pubkey
 */
public record GroupEntry(String name, String createdBy, long createdAt, List<Member> members) {
    public GroupEntry {
        members = members == null ? List.of() : members.stream().sorted(Comparator.comparing(Member::pubkey)).toList();
    }

    /** One member of a group and its role in it (e.g. {@code lead}; null for none). */
    public record Member(String pubkey, String role) {}
}
