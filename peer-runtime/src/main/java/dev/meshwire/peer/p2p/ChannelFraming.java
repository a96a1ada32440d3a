package dev.meshwire.peer.p2p;

import java.nio.ByteBuffer;

/**
 * The bytes on a meshwire data channel. Every data-channel message is one frame, binary, big-endian:
 *
 * <pre>
 * DATA  (22-byte header + chunk)
 *   u8  version = 1
 *   u8  type    = 1
 *   u64 messageId     sender's per-session id, starting at 1
 *   u32 chunkIndex    0 .. chunkCount-1, sent in order, never interleaved with another message
 *   u32 chunkCount    1 .. totalLength
 *   u32 totalLength   1 .. the receiver's limit (64 MiB by default)
 *   ... chunk bytes   at least 1; the chunks concatenated are the message
 * ACK   (10 bytes)
 *   u8  version = 1
 *   u8  type    = 2
 *   u64 messageId     sent by the receiver after the whole message was delivered
 * ACKS  (4 + 8·n bytes): the ACK of n messages at once
 *   u8  version = 1
 *   u8  type    = 3
 *   u16 n             1 .. 32,767, and the frame is exactly 4 + 8·n bytes
 *   u64 messageId × n in the order the receiver settled them
 * BUNDLE (14 + Σ(4 + length) bytes): several whole messages in one frame
 *   u8  version = 1
 *   u8  type    = 4
 *   u64 messageId     one id for all of them: its ACK (alone or in an ACKS) acks every message in the bundle
 *   u16 count         2 .. 65,535
 *   count × { u32 length (≥ 1), length bytes }   and nothing after the last one
 * </pre>
 *
 * <p>BUNDLE is sent only to a peer that declares {@value #FEATURE_BUNDLES}; the receiver hands each message to its
 * owner in order and acks the bundle once every one is settled. Why: each frame costs a blocking call into libwebrtc
 * on both ends; under load many small envelopes wait in the queue at once and go as one frame.
 *
 * <p>ACKS is sent only to a peer that declares {@value #FEATURE_ACK_GROUPS} in its {@code capabilities.features}: an
 * older engine closes the session on an unknown frame type. A peer that declares it still takes single ACKs (and sends
 * them to peers that do not declare it). Why: every frame handed to the channel is a blocking call into libwebrtc's
 * threads and a packet on the wire; one ACKS for a group commit's worth of messages replaces one ACK per message.
 *
 * <p>Why: webrtc-java silently closes a channel on a message above 262,144 bytes (the SDP's
 * {@code a=max-message-size}), so every frame is at most that; the channel is ordered and reliable,
 * so chunks need no offsets, only checks that catch a broken peer.
 */
public final class ChannelFraming {
    public static final int VERSION = 1;
    public static final int TYPE_DATA = 1;
    public static final int TYPE_ACK = 2;
    public static final int TYPE_ACKS = 3;
    /** What a peer declares in {@code capabilities.features} when it takes ACKS frames. */
    public static final String FEATURE_ACK_GROUPS = "ack_groups";
    public static final int ACKS_HEADER_BYTES = 4;
    public static final int TYPE_BUNDLE = 4;
    /** What a peer declares in {@code capabilities.features} when it takes BUNDLE frames. */
    public static final String FEATURE_BUNDLES = "data_bundles";
    public static final int BUNDLE_HEADER_BYTES = 12;
    /** Bytes a message adds to a bundle besides itself (its u32 length). */
    public static final int BUNDLE_ENTRY_BYTES = 4;
    /** The most message ids one ACKS frame holds (u16, and 4 + 8·n ≤ {@link #MAX_FRAME_BYTES}). */
    public static final int MAX_ACKS_PER_FRAME = 32_767;
    public static final int DATA_HEADER_BYTES = 22;
    public static final int ACK_BYTES = 10;
    /** The largest frame webrtc-java delivers, from {@code a=max-message-size:262144}. */
    public static final int MAX_FRAME_BYTES = 262_144;
    /** A peer that allows less than this per message is not worth a direct channel. */
    public static final int MIN_FRAME_BYTES = 1024;

    private ChannelFraming() {}

    /** A decoded frame: {@link Data} or {@link AckFrame}. */
    public sealed interface Frame {}

    /** One chunk; {@code chunk} is a copy the caller owns. */
    public record Data(long messageId, int chunkIndex, int chunkCount, int totalLength, byte[] chunk) implements Frame {}

    public record AckFrame(long messageId) implements Frame {}

    /** The ACK of every message in {@code messageIds} (a copy the caller owns; at least one). */
    public record AcksFrame(long[] messageIds) implements Frame {}

    /** Several whole messages under one id; {@code messages} are copies the caller owns (at least two). */
    public record Bundle(long messageId, java.util.List<byte[]> messages) implements Frame {}

    /** Encodes {@code messages} (2..65,535, each at least one byte) as one BUNDLE frame with id {@code messageId}. */
    public static byte[] encodeBundle(long messageId, java.util.List<byte[]> messages) {
        if (messages.size() < 2 || messages.size() > 0xffff) throw new IllegalArgumentException("a bundle holds 2..65535 messages, not " + messages.size());
        int size = BUNDLE_HEADER_BYTES;
        for (byte[] m : messages) {
            if (m.length < 1) throw new IllegalArgumentException("an empty message cannot be bundled");
            size += BUNDLE_ENTRY_BYTES + m.length;
        }
        ByteBuffer b = ByteBuffer.allocate(size).put((byte) VERSION).put((byte) TYPE_BUNDLE).putLong(messageId).putShort((short) messages.size());
        for (byte[] m : messages) b.putInt(m.length).put(m);
        return b.array();
    }

    /** How many ids fit one ACKS frame when frames are at most {@code frameBytes}. */
    public static int acksPerFrame(int frameBytes) {
        return Math.min(MAX_ACKS_PER_FRAME, (frameBytes - ACKS_HEADER_BYTES) / 8);
    }

    /** Encodes ids {@code from} (inclusive) to {@code to} (exclusive) of {@code ids} as one ACKS frame. */
    public static byte[] encodeAcks(long[] ids, int from, int to) {
        int n = to - from;
        if (n < 1 || n > MAX_ACKS_PER_FRAME) throw new IllegalArgumentException("an ACKS frame holds 1.." + MAX_ACKS_PER_FRAME + " ids, not " + n);
        ByteBuffer b = ByteBuffer.allocate(ACKS_HEADER_BYTES + 8 * n).put((byte) VERSION).put((byte) TYPE_ACKS).putShort((short) n);
        for (int i = from; i < to; i++) b.putLong(ids[i]);
        return b.array();
    }

    /** Chunks a message of {@code totalLength} bytes needs when frames are at most {@code frameBytes}. */
    public static int chunkCount(int totalLength, int frameBytes) {
        int per = frameBytes - DATA_HEADER_BYTES;
        return (int) ((totalLength + (long) per - 1) / per);
    }

    /** Encodes chunk {@code index} of {@code payload}, with frames of at most {@code frameBytes}. */
    public static byte[] encodeChunk(long messageId, byte[] payload, int index, int frameBytes) {
        int per = frameBytes - DATA_HEADER_BYTES;
        int count = chunkCount(payload.length, frameBytes);
        if (index < 0 || index >= count) throw new IllegalArgumentException("chunk index out of range");
        int off = index * per;
        int len = Math.min(per, payload.length - off);
        ByteBuffer b = ByteBuffer.allocate(DATA_HEADER_BYTES + len);
        b.put((byte) VERSION).put((byte) TYPE_DATA).putLong(messageId).putInt(index).putInt(count).putInt(payload.length);
        b.put(payload, off, len);
        return b.array();
    }

    private static Bundle decodeBundle(byte[] frame, ByteBuffer b) throws FramingException {
        if (frame.length < BUNDLE_HEADER_BYTES) throw new FramingException("bundle frame of " + frame.length + " bytes is too short");
        long id = b.getLong();
        int count = b.getShort() & 0xffff;
        if (count < 2) throw new FramingException("bundle of " + count + " messages (needs 2 or more)");
        java.util.List<byte[]> messages = new java.util.ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            if (b.remaining() < BUNDLE_ENTRY_BYTES) throw new FramingException("bundle " + id + " ends before message " + i);
            int len = b.getInt();
            if (len < 1 || len > b.remaining()) {
                throw new FramingException("bundle " + id + ": message " + i + " of " + Integer.toUnsignedString(len) + " bytes does not fit");
            }
            byte[] m = new byte[len];
            b.get(m);
            messages.add(m);
        }
        if (b.hasRemaining()) throw new FramingException("bundle " + id + " has " + b.remaining() + " bytes after its last message");
        return new Bundle(id, messages);
    }

    public static byte[] encodeAck(long messageId) {
        return ByteBuffer.allocate(ACK_BYTES).put((byte) VERSION).put((byte) TYPE_ACK).putLong(messageId).array();
    }

    /**
     * Decodes one frame. Checks only what one frame can show; {@link FrameAssembler} checks the
     * sequence.
     *
     * @throws FramingException naming the first rule the frame breaks
     */
    public static Frame decode(byte[] frame) throws FramingException {
        if (frame.length < 2) throw new FramingException("frame of " + frame.length + " bytes is too short");
        if (frame.length > MAX_FRAME_BYTES) throw new FramingException("frame of " + frame.length + " bytes exceeds " + MAX_FRAME_BYTES);
        if ((frame[0] & 0xff) != VERSION) throw new FramingException("unknown framing version " + (frame[0] & 0xff));
        ByteBuffer b = ByteBuffer.wrap(frame);
        b.position(2);
        int type = frame[1] & 0xff;
        if (type == TYPE_ACK) {
            if (frame.length != ACK_BYTES) throw new FramingException("ack frame must be " + ACK_BYTES + " bytes, got " + frame.length);
            return new AckFrame(b.getLong());
        }
        if (type == TYPE_ACKS) {
            if (frame.length < ACKS_HEADER_BYTES) throw new FramingException("acks frame of " + frame.length + " bytes is too short");
            int n = b.getShort() & 0xffff;
            if (n < 1 || n > MAX_ACKS_PER_FRAME) throw new FramingException("acks frame with " + n + " ids (allowed 1.." + MAX_ACKS_PER_FRAME + ")");
            if (frame.length != ACKS_HEADER_BYTES + 8 * n) {
                throw new FramingException("acks frame of " + n + " ids must be " + (ACKS_HEADER_BYTES + 8 * n) + " bytes, got " + frame.length);
            }
            long[] ids = new long[n];
            for (int i = 0; i < n; i++) ids[i] = b.getLong();
            return new AcksFrame(ids);
        }
        if (type == TYPE_BUNDLE) return decodeBundle(frame, b);
        if (type != TYPE_DATA) throw new FramingException("unknown frame type " + type);
        if (frame.length <= DATA_HEADER_BYTES) throw new FramingException("data frame without chunk bytes");
        long id = b.getLong();
        int index = b.getInt();
        int count = b.getInt();
        int total = b.getInt();
        if (total < 1) throw new FramingException("total length " + Integer.toUnsignedString(total) + " is invalid");
        if (count < 1 || count > total) throw new FramingException("chunk count " + Integer.toUnsignedString(count) + " is invalid for " + total + " bytes");
        if (index < 0 || index >= count) throw new FramingException("chunk index " + Integer.toUnsignedString(index) + " outside 0.." + (count - 1));
        byte[] chunk = new byte[frame.length - DATA_HEADER_BYTES];
        b.get(chunk);
        return new Data(id, index, count, total, chunk);
    }
}
