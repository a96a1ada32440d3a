package dev.meshwire.peer.ipc.api;

import java.util.List;
import java.util.Map;

/** {@code GET /v1/outbox}: rows per state over the whole outbox, and the rows asked for, newest first. */
public record OutboxReply(Map<String, Long> counts, List<OutboxRow> items) {}
