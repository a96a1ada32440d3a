package dev.meshwire.coordinator.store;

import dev.meshwire.signaling.meshstate.MeshEvent;

/** A committed mesh event and how many undelivered queue rows its effect deleted (ban, revoke). */
public record Appended(MeshEvent event, int droppedMessages) {}
