package dev.meshwire.livekit.room;

/**
 * A user data packet received from the room.
 *
 * @param fromIdentity the sending participant's identity, as the server stamped it (may be empty for server-sent data)
 * @param topic        the packet's topic, empty if it had none
 * @param payload      the payload bytes (a copy; the caller owns it)
 * @param packetId     the sender's packet id ({@code UserPacket.id}), empty if it set none: the key for dedupe
 * @param reliable     true if it was sent as a reliable packet
 * @param name         a byte data stream's file name ({@code DataStream.ByteHeader.name}, as the sender gave it, not
 *                     sanitized), or null (a packet, a text stream, a byte stream without a name)
 */
public record RoomData(String fromIdentity, String topic, byte[] payload, String packetId, boolean reliable, String name) {
    /** A packet or stream without a file name. */
    public RoomData(String fromIdentity, String topic, byte[] payload, String packetId, boolean reliable) {
        this(fromIdentity, topic, payload, packetId, reliable, null);
    }
}
