package dev.meshwire.peer.ipc.api;

/**
 * {@code POST /v1/topics}, {@code /v1/topics/join}, {@code /v1/topics/leave}: the topic ({@code name} or {@code #name})
 * in {@code mesh}; {@code member} (leave only) names another member to remove (mesh owner or admin), absent for yourself.
 */
public record TopicRequest(String mesh, String topic, String member) {}
