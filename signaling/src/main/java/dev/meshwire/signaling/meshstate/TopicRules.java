package dev.meshwire.signaling.meshstate;

import java.util.TreeMap;

/** How mesh events change the topics of a state (docs/protocol.md §12.2). */
final class TopicRules {
    private TopicRules() {}

    /**
     * The topics after {@code e} (already verified and chained onto {@code before}); {@code topics} itself when the
     * event does not touch them. Never mutates {@code topics}.
     *
     * @throws MeshStateException MALFORMED when the event breaks a topic rule
     */
    static TreeMap<String, TopicEntry> apply(MeshState before, TreeMap<String, TopicEntry> topics, MeshEvent e, EventPayload p) {
        return topics;
    }
}
