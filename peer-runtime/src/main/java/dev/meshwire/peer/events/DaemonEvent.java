package dev.meshwire.peer.events;

import dev.meshwire.peer.ipc.api.EventData;

/**
 * One event on the SSE stream. {@code type} is the SSE {@code event:} name ({@code message},
 * {@code peer_joined}, {@code peer_left}, {@code link}, {@code mesh_event}, {@code member_removed}, {@code delivered},
 * {@code system});
 * {@code data} is serialized as the JSON {@code data:} line. docs/ipc.md lists the shapes.
 */
public record DaemonEvent(String type, EventData data) {
    public static final String MESSAGE = "message";
    public static final String PEER_JOINED = "peer_joined";
    public static final String PEER_LEFT = "peer_left";
    public static final String LINK = "link";
    /** A verified mesh-state event was applied to the replica. */
    public static final String MESH_EVENT = "mesh_event";
    /** A key stopped being an active member (banned, revoked, left, expired): its direct channels were torn down. */
    public static final String MEMBER_REMOVED = "member_removed";
    /** A system entry was stored: a verified mesh-state event, described (docs/protocol.md §12.5); data is an inbox item. */
    public static final String SYSTEM = "system";
    /** The recipient's daemon acknowledged a relayed copy of one of our messages (the coordinator's receipt). */
    public static final String DELIVERED = "delivered";
    /** A file transfer changed state (offered, transferring, done, failed): data is a FileItem. */
    public static final String FILE = "file";
}
