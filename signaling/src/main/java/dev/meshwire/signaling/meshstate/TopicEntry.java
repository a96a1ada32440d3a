package dev.meshwire.signaling.meshstate;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A topic of the mesh state ({@code #name}; docs/protocol.md §12.2): who created it, its members, the current key
 * epoch with the key's check value, and each member's seal of the current key (absent for a member still waiting for
 * one: a joiner, or a member the last rotation did not cover). The key itself is never in the state. Immutable.
 *
 * @param epoch       the current key epoch (1 at creation, +1 per rotation)
 * @param keyCheck    {@link dev.meshwire.signaling.topic.TopicKeys#keyCheck} of the current key: a member checks the
 *                    key it opened against it, so a wrong key sealed by a faulty or hostile member is refused
 * @param members     the members, sorted by pubkey
 * @param rekeyNeeded a member left (or was banned, revoked or removed) since the current key was made: the next
 *                    post must wait for a rotation
 */
public record TopicEntry(String name, String createdBy, long createdAt, long epoch, String keyCheck, List<Member> members,
                         boolean rekeyNeeded) {
    public TopicEntry {
        members = members == null ? List.of() : members.stream().sorted(Comparator.comparing(Member::pubkey)).toList();
    }

    /** One member of a topic: when it joined and its seal of the current key (null while it waits for one). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Member(String pubkey, long joinedAt, TopicSeal seal) {}

    public Optional<Member> member(String pubkey) {
        return members.stream().filter(m -> m.pubkey().equals(pubkey)).findFirst();
    }

    public boolean isMember(String pubkey) {
        return member(pubkey).isPresent();
    }

    /** Whether {@code pubkey} is a member holding a seal of the current key. */
    public boolean holdsKey(String pubkey) {
        return member(pubkey).map(m -> m.seal() != null).orElse(false);
    }

    /** Members without a seal of the current key, sorted by pubkey. */
    @JsonIgnore
    public List<String> pending() {
        return members.stream().filter(m -> m.seal() == null).map(Member::pubkey).toList();
    }

    /** The member keys, sorted. */
    @JsonIgnore
    public List<String> memberKeys() {
        return members.stream().map(Member::pubkey).toList();
    }

    TopicEntry withMembers(List<Member> next, boolean rekey) {
        return new TopicEntry(name, createdBy, createdAt, epoch, keyCheck, next, rekey);
    }

    TopicEntry withMember(Member m) {
        List<Member> next = new ArrayList<>(members);
        next.removeIf(x -> x.pubkey().equals(m.pubkey()));
        next.add(m);
        return withMembers(next, rekeyNeeded);
    }
}
