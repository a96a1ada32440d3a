package dev.meshwire.livekit.room;

import java.time.Duration;

/**
 * How a {@link RoomClient} connects.
 *
 * @param url            the LiveKit server, ws://, wss://, http:// or https:// (the {@code /rtc} path is added)
 * @param room           the room name (informational: the token decides which room is joined)
 * @param identity       the identity our token carries (used to ignore our own participant in updates)
 * @param joinTimeout    how long one join may take until the publisher's reliable channel is open
 * @param retryMin       first wait before a re-join after a drop; doubles up to {@code retryMax}
 * @param retryMax       longest wait between re-join attempts
 * @param settle         how long a connection must stay up after LiveKit accepted a packet before {@link RoomClient#send}
 *                       completes (a drop within it re-sends the packet after the re-join)
 * @param maxPayloadBytes the largest user payload {@link RoomClient#send} accepts (LiveKit's reliable channel
 *                       carries data packets up to about 15 KiB everywhere; larger ones are refused, not cut)
 * @param maxStreamBytes the largest LiveKit data stream (header, chunks, trailer) {@link RoomClient#sendStream} sends
 *                       and the client reassembles from others; larger ones are refused with a reason
 */
public record RoomConfig(String url, String room, String identity, Duration joinTimeout, Duration retryMin,
                         Duration retryMax, Duration settle, int maxPayloadBytes, int maxStreamBytes) {
    /** LiveKit's documented limit for one reliable data packet (the JS SDK refuses larger ones). */
    public static final int DEFAULT_MAX_PAYLOAD = 15 * 1024;
    /**
     * The default data stream limit, 256 KiB: a whole stream becomes one mesh message, and a mesh message of this
     * size still fits the relay's frame (1 MiB) once sealed and base64-encoded (docs/livekit.md "Large payloads").
     */
    public static final int DEFAULT_MAX_STREAM = 256 * 1024;
    /**
     * The largest file sent into the room as a byte stream ({@link RoomClient#sendFile}): the daemon's limit for a file
     * a service takes for a sub-peer (peer-runtime {@code FileService.SERVICE_MAX_BYTES}); held in memory while it goes.
     */
    public static final int MAX_FILE_BYTES = 64 << 20;
    /** The largest {@code maxStreamBytes} accepted (a stream is held in memory while it is assembled). */
    public static final int HARD_MAX_STREAM = 16 * 1024 * 1024;

    public RoomConfig {
        if (url == null || url.isBlank()) throw new IllegalArgumentException("the LiveKit URL is empty");
        if (maxPayloadBytes < 1 || maxPayloadBytes > 60_000) throw new IllegalArgumentException("maxPayloadBytes must be 1..60000");
        if (maxStreamBytes < 1 || maxStreamBytes > HARD_MAX_STREAM) throw new IllegalArgumentException("maxStreamBytes must be 1.." + HARD_MAX_STREAM);
    }

    /** As the canonical constructor, with the default stream limit ({@link #DEFAULT_MAX_STREAM}). */
    public RoomConfig(String url, String room, String identity, Duration joinTimeout, Duration retryMin,
                      Duration retryMax, Duration settle, int maxPayloadBytes) {
        this(url, room, identity, joinTimeout, retryMin, retryMax, settle, maxPayloadBytes, DEFAULT_MAX_STREAM);
    }

    /** This configuration with another data stream limit. */
    public RoomConfig withMaxStreamBytes(int bytes) {
        return new RoomConfig(url, room, identity, joinTimeout, retryMin, retryMax, settle, maxPayloadBytes, bytes);
    }

    /**
     * Defaults: 30 s join timeout, re-join after 250 ms doubling to 5 s, packets settle after 2 s, 15 KiB payloads,
     * 256 KiB data streams.
     */
    public static RoomConfig of(String url, String room, String identity) {
        return new RoomConfig(url, room, identity, Duration.ofSeconds(30), Duration.ofMillis(250), Duration.ofSeconds(5),
                Duration.ofSeconds(2), DEFAULT_MAX_PAYLOAD, DEFAULT_MAX_STREAM);
    }
}
