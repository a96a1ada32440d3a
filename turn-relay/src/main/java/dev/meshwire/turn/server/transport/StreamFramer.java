package dev.meshwire.turn.server.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Splits a TURN-over-TCP byte stream (RFC 8656 §11.5) into messages: a STUN message is 20 + its length field bytes
 * (the length a multiple of 4, the top two bits of the first byte 00); ChannelData is 4 + its length rounded up to a
 * multiple of 4 (first byte 0x40..0x7F; the padding is part of the frame). Each frame is passed on as a retained slice
 * of the cumulation, without copying; a ChannelData frame keeps its padding (the reader uses the length field).
 * Anything else (a bad first byte, a STUN length not a multiple of 4, a frame over {@code maxFrame}) cannot be
 * resynchronised, so it throws {@link MalformedStreamException} and the connection is closed by the caller.
 */
public final class StreamFramer extends ByteToMessageDecoder {
    private final int maxFrame;

    /** @param maxFrame the largest frame accepted, header included */
    public StreamFramer(int maxFrame) {
        this.maxFrame = maxFrame;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.readableBytes() >= 4) {
            int at = in.readerIndex();
            int first = in.getUnsignedByte(at);
            int length = in.getUnsignedShort(at + 2);
            int frame;
            if ((first & 0xC0) == 0) {
                if ((length & 3) != 0) throw malformed(in, "STUN length " + length + " is not a multiple of 4");
                frame = 20 + length;
            } else if ((first & 0xC0) == 0x40) {
                frame = 4 + ((length + 3) & ~3);
            } else {
                throw malformed(in, "first byte 0x" + Integer.toHexString(first) + " starts neither STUN nor ChannelData");
            }
            if (frame > maxFrame) throw malformed(in, "frame of " + frame + " bytes exceeds " + maxFrame);
            if (in.readableBytes() < frame) return;
            out.add(in.retainedSlice(at, frame));
            in.skipBytes(frame);
        }
    }

    /** Discards the rest of the stream (so the decoder's last pass at close does not report it again). */
    private static MalformedStreamException malformed(ByteBuf in, String why) {
        in.skipBytes(in.readableBytes());
        return new MalformedStreamException(why);
    }

    /** The stream cannot be framed any more. */
    public static final class MalformedStreamException extends RuntimeException {
        public MalformedStreamException(String message) {
            super(message, null, false, false);
        }
    }
}
