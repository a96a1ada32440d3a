package dev.meshwire.peer.ipc.api;

import java.util.List;

/** {@code GET /v1/topics/history}: a page of a topic's history, oldest first; {@code more}: later posts follow. */
public record TopicHistoryReply(String mesh, String topic, List<TopicHistoryItem> messages, boolean more) {}
