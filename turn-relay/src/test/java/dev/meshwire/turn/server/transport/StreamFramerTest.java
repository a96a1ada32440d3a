package dev.meshwire.turn.server.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** TURN-over-TCP framing: STUN by its length, ChannelData by its length padded to 4. */
class StreamFramerTest {
    private static final HexFormat HEX = HexFormat.of();
    /** A Binding request with one 4-byte attribute: 24 + 4 bytes. */
    private static final byte[] STUN = HEX.parseHex("000100082112a442000102030405060708090a0b802800040badc0de");
    /** ChannelData 0x4001 with 5 bytes of data and 3 bytes of padding. */
    private static final byte[] CHANNEL_DATA = HEX.parseHex("400100056162636465000000");

    private static byte[] next(EmbeddedChannel ch) {
        ByteBuf b = ch.readInbound();
        if (b == null) return null;
        try {
            return ByteBufUtil.getBytes(b);
        } finally {
            b.release();
        }
    }

    @Test
    void mergedFramesAreSplit() {
        EmbeddedChannel ch = new EmbeddedChannel(new StreamFramer(4096));
        ch.writeInbound(Unpooled.wrappedBuffer(STUN, CHANNEL_DATA, STUN));
        assertArrayEquals(STUN, next(ch));
        assertArrayEquals(CHANNEL_DATA, next(ch), "the padding belongs to the ChannelData frame");
        assertArrayEquals(STUN, next(ch));
        assertNull(next(ch));
    }

    @Test
    void splitFramesAreJoinedByteByByte() {
        EmbeddedChannel ch = new EmbeddedChannel(new StreamFramer(4096));
        byte[] both = new byte[STUN.length + CHANNEL_DATA.length];
        System.arraycopy(STUN, 0, both, 0, STUN.length);
        System.arraycopy(CHANNEL_DATA, 0, both, STUN.length, CHANNEL_DATA.length);
        for (int i = 0; i < both.length - 1; i++) ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {both[i]}));
        assertArrayEquals(STUN, next(ch));
        assertNull(next(ch), "the ChannelData frame is not complete without its last padding byte");
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {both[both.length - 1]}));
        assertArrayEquals(CHANNEL_DATA, next(ch));
    }

    @Test
    void alignedChannelDataHasNoPadding() {
        EmbeddedChannel ch = new EmbeddedChannel(new StreamFramer(4096));
        byte[] cd = HEX.parseHex("7ffe000401020304");
        ch.writeInbound(Unpooled.wrappedBuffer(cd, STUN));
        assertArrayEquals(cd, next(ch));
        assertArrayEquals(STUN, next(ch));
    }

    @Test
    void garbageClosesTheStream() {
        for (String junk : new String[] {"ff000000", "80010000", "c0000004", "000100062112a442"}) {
            EmbeddedChannel ch = new EmbeddedChannel(new StreamFramer(4096));
            DecoderException e = assertThrows(DecoderException.class, () -> ch.writeInbound(Unpooled.wrappedBuffer(HEX.parseHex(junk))), junk);
            assertInstanceOf(StreamFramer.MalformedStreamException.class, e.getCause());
        }
    }

    @Test
    void oversizeFrameIsRefusedBeforeItIsBuffered() {
        EmbeddedChannel ch = new EmbeddedChannel(new StreamFramer(1024));
        DecoderException e = assertThrows(DecoderException.class,
                () -> ch.writeInbound(Unpooled.wrappedBuffer(HEX.parseHex("4001ffff00"))));
        assertInstanceOf(StreamFramer.MalformedStreamException.class, e.getCause());
        EmbeddedChannel stun = new EmbeddedChannel(new StreamFramer(1024));
        assertThrows(DecoderException.class, () -> stun.writeInbound(Unpooled.wrappedBuffer(HEX.parseHex("00010800"))));
        assertEquals(0, stun.inboundMessages().size());
    }
}
