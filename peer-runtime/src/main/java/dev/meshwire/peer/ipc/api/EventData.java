package dev.meshwire.peer.ipc.api;

/** The data of one SSE event of {@code GET /v1/events} (docs/ipc.md lists the event names). */
public sealed interface EventData permits InboxItem, PeerJoinedEvent, PeerLeftEvent, LinkEvent, MeshStateEvent, MemberRemovedEvent,
        DeliveredEvent, FileItem {
    /** The record of an SSE event name, or null for a name this build does not know (newer daemons may add some). */
    static Class<? extends EventData> type(String event) {
        return switch (event) {
            case "message", "system" -> InboxItem.class;
            case "peer_joined" -> PeerJoinedEvent.class;
            case "peer_left" -> PeerLeftEvent.class;
            case "link" -> LinkEvent.class;
            case "mesh_event" -> MeshStateEvent.class;
            case "member_removed" -> MemberRemovedEvent.class;
            case "delivered" -> DeliveredEvent.class;
            case "file" -> FileItem.class;
            default -> null;
        };
    }
}
