package dev.meshwire.signaling.meshstate;

import static dev.meshwire.signaling.meshstate.MeshStateException.Reason.MALFORMED;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The groups and topics of one mesh state (docs/protocol.md §12.1, §12.2). Immutable; part of {@link MeshState},
 * changed only by events ({@link GroupRules}, {@link TopicRules}) or installed from a verified snapshot.
 */
public final class ChannelDirectory {
    public static final ChannelDirectory EMPTY = new ChannelDirectory(new TreeMap<>(), new TreeMap<>());

    private final TreeMap<String, GroupEntry> groups;
    private final TreeMap<String, TopicEntry> topics;

    private ChannelDirectory(TreeMap<String, GroupEntry> groups, TreeMap<String, TopicEntry> topics) {
        this.groups = groups;
        this.topics = topics;
    }

    /** Every group, sorted by name. */
    public Collection<GroupEntry> groups() {
        return Collections.unmodifiableCollection(groups.values());
    }

    public Optional<GroupEntry> group(String name) {
        return Optional.ofNullable(name == null ? null : groups.get(name));
    }

    /** The groups by name (read-only). */
    java.util.Map<String, GroupEntry> groupMap() {
        return Collections.unmodifiableMap(groups);
    }

    /** Every topic, sorted by name. */
    public Collection<TopicEntry> topics() {
        return Collections.unmodifiableCollection(topics.values());
    }

    public Optional<TopicEntry> topic(String name) {
        return Optional.ofNullable(name == null ? null : topics.get(name));
    }

    /** The directory after {@code e}, which {@code before} has verified and chained. */
    ChannelDirectory apply(MeshState before, MeshEvent e, EventPayload p) {
        TreeMap<String, GroupEntry> g = GroupRules.apply(before, groups, e, p);
        TreeMap<String, TopicEntry> t = TopicRules.apply(before, topics, e, p);
        return g == groups && t == topics ? this : new ChannelDirectory(g, t);
    }

    /** A snapshot's group obeys the same field rules as the events that build one (docs/protocol.md §12.1). */
    private static void checkGroup(GroupEntry x) {
        String problem = dev.meshwire.signaling.group.GroupName.problem(x.name());
        if (problem == null && !dev.meshwire.signaling.crypto.Hex.isHex(x.createdBy(), dev.meshwire.signaling.crypto.PublicKey.HEX_CHARS)) {
            problem = "createdBy must be a public key";
        }
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (GroupEntry.Member m : x.members()) {
            if (problem != null) break;
            if (m == null || !dev.meshwire.signaling.crypto.Hex.isHex(m.pubkey(), dev.meshwire.signaling.crypto.PublicKey.HEX_CHARS)) {
                problem = "a member is not a public key";
            } else if (dev.meshwire.signaling.group.GroupName.roleProblem(m.role()) != null) {
                problem = dev.meshwire.signaling.group.GroupName.roleProblem(m.role());
            } else if (!seen.add(m.pubkey())) {
                problem = "a member is listed twice";
            }
        }
        if (problem != null) throw new MeshStateException(MALFORMED, "snapshot group " + x.name() + ": " + problem);
    }

    /** From a verified snapshot's lists. @throws MeshStateException MALFORMED on a null or repeated entry */
    static ChannelDirectory of(List<GroupEntry> groupList, List<TopicEntry> topicList) {
        if (groupList.isEmpty() && topicList.isEmpty()) return EMPTY;
        TreeMap<String, GroupEntry> g = new TreeMap<>();
        for (GroupEntry x : groupList) {
            if (x == null || x.name() == null) throw new MeshStateException(MALFORMED, "snapshot lists a group without a name");
            checkGroup(x);
            if (g.put(x.name(), x) != null) throw new MeshStateException(MALFORMED, "snapshot lists group " + x.name() + " twice");
        }
        TreeMap<String, TopicEntry> t = new TreeMap<>();
        for (TopicEntry x : topicList) {
            if (x == null || x.name() == null) throw new MeshStateException(MALFORMED, "snapshot lists a topic without a name");
            if (t.put(x.name(), x) != null) throw new MeshStateException(MALFORMED, "snapshot lists topic " + x.name() + " twice");
        }
        return new ChannelDirectory(g, t);
    }
}
