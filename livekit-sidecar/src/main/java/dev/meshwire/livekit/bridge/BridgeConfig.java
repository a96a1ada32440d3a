package dev.meshwire.livekit.bridge;

/**
 * What one side-car bridges.
 *
 * @param mesh    the mesh (as the local daemon names it)
 * @param service the side-car's service name in the mesh (a delegated {@code livekit-room} service of this daemon)
 * @param topic   the LiveKit data topic bridged both ways
 * @param target  where room messages go in the mesh: a member name or key, or {@code *}
 * @param maxFileBytes the largest room data stream taken as a file (over the message limit, {@link #MESSAGE_MAX}, a
 *                stream becomes a mesh file transfer to {@code target}; docs/livekit.md "Large payloads"); at most
 *                {@link dev.meshwire.livekit.room.RoomConfig#HARD_MAX_STREAM}, as a stream is held in memory until it is whole
 * @param spoolDir where such streams are written (0600 files in 0700 directories) until their transfer ended; null:
 *                no spool, streams over the message limit are refused
 */
public record BridgeConfig(String mesh, String service, String topic, String target, int maxFileBytes, java.nio.file.Path spoolDir) {
    /**
     * The largest room payload that becomes one mesh message (256 KiB: it still fits the relay's 1 MiB frame once sealed
     * and base64-encoded); larger room data streams become file transfers.
     */
    public static final int MESSAGE_MAX = dev.meshwire.livekit.room.RoomConfig.DEFAULT_MAX_STREAM;
    /** The default of {@code --max-file-bytes}: 16 MiB. */
    public static final int DEFAULT_MAX_FILE = dev.meshwire.livekit.room.RoomConfig.HARD_MAX_STREAM;

    /** The scopes the side-car's service is registered with: read dms (and receive files), write dms, send files and broadcasts. */
    public static final String SCOPES = "dm:read,dm:write,stream:write,topic:write";
    /** The service type of a LiveKit side-car (the seeds' {@code service_type: "livekit-room"}). */
    public static final String TYPE = "livekit-room";

    public BridgeConfig {
        if (service == null || !service.matches("[a-z0-9][a-z0-9._-]{0,63}")) {
            throw new IllegalArgumentException("the service name must match [a-z0-9][a-z0-9._-]{0,63}: " + service);
        }
        if (target == null || target.isBlank()) throw new IllegalArgumentException("the mesh target is empty");
        if (topic == null) throw new IllegalArgumentException("the topic is null");
        if (maxFileBytes < 1 || maxFileBytes > dev.meshwire.livekit.room.RoomConfig.HARD_MAX_STREAM) {
            throw new IllegalArgumentException("--max-file-bytes must be 1.." + dev.meshwire.livekit.room.RoomConfig.HARD_MAX_STREAM
                    + " (a room data stream is held in memory until it is whole)");
        }
    }

    /** No file spool: room payloads over {@link #MESSAGE_MAX} are refused. */
    public BridgeConfig(String mesh, String service, String topic, String target) {
        this(mesh, service, topic, target, DEFAULT_MAX_FILE, null);
    }

    /** The largest room data stream the room client must reassemble for this bridge. */
    public int roomStreamLimit() {
        return spoolDir == null ? MESSAGE_MAX : Math.max(MESSAGE_MAX, maxFileBytes);
    }
}
