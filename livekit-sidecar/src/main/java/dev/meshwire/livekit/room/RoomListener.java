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

    /** A data packet arrived. */
    default void onData(RoomData data) {}

    /**
     * The connection dropped. {@code willRetry} tells whether the client reconnects by itself; when false
     * (closed, or a terminal refusal such as a bad token) {@code reason} says why in one line.
     */
    default void onDisconnected(String reason, boolean willRetry) {}
}
