package dev.meshwire.signaling.meshstate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How mesh events change the topics of a state (docs/protocol.md §12.2 "State rules").
 *
 * <p>Topic events are the members' own acts and may race (two members rotate the same key, a member re-seals for a
 * joiner who just left). An event that does not fit the state it lands on is therefore <b>kept in the history and
 * changes nothing</b> — it never breaks the chain: a rotation whose epoch is not exactly current + 1 (the first one
 * wins), a seal from a member that does not hold the current key, a join of a topic that does not exist. The field
 * rules (names, keys, seal sizes) are checked when the payload is parsed, before this runs.
 *
 * <p>A member that leaves the topic, leaves the mesh, or is banned or revoked is removed from every topic it was in,
 * and the topic is marked {@link TopicEntry#rekeyNeeded}: it still holds the old keys, so nothing may be posted with
 * them any more. A topic whose last member leaves is deleted (its name is free again).
 */
final class TopicRules {
    private TopicRules() {}

    /**
     * The topics after {@code e} (already verified and chained onto {@code before}); {@code topics} itself when the
     * event does not touch them. Never mutates {@code topics}.
     */
    static TreeMap<String, TopicEntry> apply(MeshState before, TreeMap<String, TopicEntry> topics, MeshEvent e, EventPayload p) {
        String actor = e.actor();
        if (p instanceof EventPayload.TopicCreated c) {
            if (topics.containsKey(c.topic()) || !before.isActive(actor, e.at()) || !actor.equals(c.seal().sealer())) return topics;
            TopicEntry t = new TopicEntry(c.topic(), actor, e.at(), 1, c.keyCheck(),
                    List.of(new TopicEntry.Member(actor, e.at(), c.seal())), false);
            return with(topics, t);
        }
        if (p instanceof EventPayload.TopicJoined j) {
            TopicEntry t = topics.get(j.topic());
            if (t == null || !actor.equals(j.pubkey()) || !before.isActive(actor, e.at()) || t.isMember(actor)) return topics;
            return with(topics, t.withMember(new TopicEntry.Member(actor, e.at(), null)));
        }
        if (p instanceof EventPayload.TopicLeft l) {
            TopicEntry t = topics.get(l.topic());
            if (t == null || !t.isMember(l.pubkey()) || !(actor.equals(l.pubkey()) || moderator(before, actor, e.at()))) return topics;
            return without(topics, List.of(t), l.pubkey());
        }
        if (p instanceof EventPayload.TopicKeySealed s) {
            TopicEntry t = topics.get(s.topic());
            if (t == null || s.epoch() != t.epoch() || !actor.equals(s.seal().sealer()) || !t.holdsKey(actor)) return topics;
            TopicEntry.Member m = t.member(s.pubkey()).orElse(null);
            if (m == null || m.seal() != null) return topics;
            return with(topics, t.withMember(new TopicEntry.Member(m.pubkey(), m.joinedAt(), s.seal())));
        }
        if (p instanceof EventPayload.TopicKeyRotated r) {
            TopicEntry t = topics.get(r.topic());
            if (t == null || r.epoch() != t.epoch() + 1 || !t.isMember(actor)) return topics;
            Map<String, TopicSeal> seals = new TreeMap<>();
            for (TopicEntry.Member m : r.seals()) {
                if (!m.seal().sealer().equals(actor)) return topics;
                seals.put(m.pubkey(), m.seal());
            }
            if (!seals.containsKey(actor)) return topics;
            List<TopicEntry.Member> next = new ArrayList<>();
            // Seals for keys that are not (or no longer) members are ignored; members it did not cover wait for a re-seal.
            for (TopicEntry.Member m : t.members()) next.add(new TopicEntry.Member(m.pubkey(), m.joinedAt(), seals.get(m.pubkey())));
            return with(topics, new TopicEntry(t.name(), t.createdBy(), t.createdAt(), r.epoch(), r.keyCheck(), next, false));
        }
        String gone = p instanceof EventPayload.MemberLeft x ? x.pubkey()
                : p instanceof EventPayload.MemberBanned x ? x.pubkey()
                : p instanceof EventPayload.MemberRevoked x ? x.pubkey() : null;
        if (gone == null || topics.isEmpty()) return topics;
        List<TopicEntry> in = topics.values().stream().filter(t -> t.isMember(gone)).toList();
        return in.isEmpty() ? topics : without(topics, in, gone);
    }

    /** The mesh owner or an admin may remove another member from a topic. */
    private static boolean moderator(MeshState before, String actor, long at) {
        return before.entry(actor).map(m -> m.activeAt(at) && m.canModerate()).orElse(false);
    }

    private static TreeMap<String, TopicEntry> with(TreeMap<String, TopicEntry> topics, TopicEntry t) {
        TreeMap<String, TopicEntry> out = new TreeMap<>(topics);
        out.put(t.name(), t);
        return out;
    }

    private static TreeMap<String, TopicEntry> without(TreeMap<String, TopicEntry> topics, List<TopicEntry> in, String pubkey) {
        TreeMap<String, TopicEntry> out = new TreeMap<>(topics);
        for (TopicEntry t : in) {
            List<TopicEntry.Member> rest = t.members().stream().filter(m -> !m.pubkey().equals(pubkey)).toList();
            if (rest.isEmpty()) out.remove(t.name());
            else out.put(t.name(), t.withMembers(rest, true));
        }
        return out;
    }
}
