package dev.meshwire.livekit.room;

/**
 * A user data packet received from the room.
 *
 * @param fromIdentity the sending participant's identity, as the server stamped it (may be empty for server-sent data)
 * @param topic        the packet's topic, empty if it had none
 * @param payload      the payload bytes (a copy; the caller owns it)
 * @param packetId     the sender's packet id ({@code UserPacket.id}), empty if it set none: the key for dedupe
 * @param reliable     true if it was sent as a reliable packet
 */
public record RoomData(String fromIdentity, String topic, byte[] payload, String packetId, boolean reliable) {}
