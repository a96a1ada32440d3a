package dev.meshwire.peer.ipc.api;

import com.fasterxml.jackson.databind.JsonNode;

/** One verified event as {@code mesh log} shows it. {@code data} is the event's signed data. */
public record LogEntry(long version, String kind, long at, String actor, String actorName, String subject, String subjectName,
                       String hash, JsonNode data) {}
