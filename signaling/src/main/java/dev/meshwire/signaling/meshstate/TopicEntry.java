package dev.meshwire.signaling.meshstate;

/**
 * A topic of the mesh state ({@code #name}; docs/protocol.md §12.2). Immutable.
 */
public record TopicEntry(String name, String createdBy, long createdAt) {
}
