package dev.meshwire.peer.ipc.api;

import java.util.List;

/** {@code GET /v1/topics}: every topic of the mesh's verified state (at {@code stateVersion}), sorted by name. */
public record TopicsReply(String mesh, long stateVersion, List<TopicItem> topics) {}
