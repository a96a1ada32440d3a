package dev.meshwire.signaling.meshstate;

import java.util.TreeMap;

/** How mesh events change the groups of a state (docs/protocol.md §12.1). */
final class GroupRules {
    private GroupRules() {}

    /**
     * The groups after {@code e} (already verified and chained onto {@code before}); {@code groups} itself when the
     * event does not touch them. Never mutates {@code groups}.
     *
     * @throws MeshStateException MALFORMED when the event breaks a group rule
     */
    static TreeMap<String, GroupEntry> apply(MeshState before, TreeMap<String, GroupEntry> groups, MeshEvent e, EventPayload p) {
        return groups;
    }
}
