package dev.meshwire.peer.ipc.api;

/** SSE {@code mesh_event}: a verified mesh-state event was applied. */
public record MeshStateEvent(String mesh, long version, String kind, long at, String actor, String actorName, String subject,
                             String subjectName) implements EventData {}
