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
 */
public record RoomConfig(String url, String room, String identity, Duration joinTimeout, Duration retryMin,
                         Duration retryMax, Duration settle, int maxPayloadBytes) {
    /** LiveKit's documented limit for one reliable data packet (the JS SDK refuses larger ones). */
    public static final int DEFAULT_MAX_PAYLOAD = 15 * 1024;

    public RoomConfig {
        if (url == null || url.isBlank()) throw new IllegalArgumentException("the LiveKit URL is empty");
        if (maxPayloadBytes < 1 || maxPayloadBytes > 60_000) throw new IllegalArgumentException("maxPayloadBytes must be 1..60000");
    }

    /** Defaults: 30 s join timeout, re-join after 250 ms doubling to 5 s, packets settle after 2 s, 15 KiB payloads. */
    public static RoomConfig of(String url, String room, String identity) {
        return new RoomConfig(url, room, identity, Duration.ofSeconds(30), Duration.ofMillis(250), Duration.ofSeconds(5),
                Duration.ofSeconds(2), DEFAULT_MAX_PAYLOAD);
    }
}
