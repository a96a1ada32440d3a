package dev.meshwire.livekit.room;

/**
 * A user data packet received from the room.
 *
 * @param fromIdentity the sending participant's identity, as the server stamped it (may be empty for server-sent data)
 * @param topic        the packet's topic, empty if it had none
 * @param payload      the payload bytes (a copy; the caller owns it)
 * @param reliable     true if it was sent as a reliable packet
 */
public record RoomData(String fromIdentity, String topic, byte[] payload, boolean reliable) {}
