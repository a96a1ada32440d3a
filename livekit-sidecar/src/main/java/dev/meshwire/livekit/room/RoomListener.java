package dev.meshwire.livekit.room;

/**
 * What a {@link RoomClient} reports. Every call comes on the room's own thread, one at a time, in order: keep
 * them short and never block (hand work to another thread).
 */
public interface RoomListener {
    /** Joined (or re-joined after a drop): the publisher's reliable channel is open, sends are accepted. */
    default void onConnected(String selfSid, java.util.List<RoomParticipant> others) {}

    /** A participant joined the room (also reported for everyone already there after a re-join). */
    default void onParticipantJoined(RoomParticipant p) {}

    /** A participant left the room. */
    default void onParticipantLeft(RoomParticipant p) {}

    /**
     * A data packet arrived, or a whole LiveKit data stream (text or bytes): then {@link RoomData#packetId()} is the
     * stream id and the payload is the stream's content.
     */
    default void onData(RoomData data) {}

    /**
     * Something a participant sent could not be taken: a data stream over the limit, with a missing chunk, ended
     * early, or encrypted. {@code reason} is one line; nothing of the stream is reported through {@link #onData}.
     */
    default void onRefused(String fromIdentity, String topic, String reason) {}

    /**
     * The connection dropped. {@code willRetry} tells whether the client reconnects by itself; when false
     * (closed, or a terminal refusal such as a bad token) {@code reason} says why in one line.
     */
    default void onDisconnected(String reason, boolean willRetry) {}
}
