package dev.meshwire.peer.p2p;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChannelFramingTest {
    static final int MAX = ChannelFraming.MAX_FRAME_BYTES;

    static byte[] roundTrip(byte[] msg, int frameBytes, FrameAssembler asm) throws FramingException {
        int n = ChannelFraming.chunkCount(msg.length, frameBytes);
        byte[] out = null;
        for (int i = 0; i < n; i++) {
            byte[] frame = ChannelFraming.encodeChunk(9, msg, i, frameBytes);
            assertTrue(frame.length <= frameBytes, "frame of " + frame.length + " bytes");
            byte[] r = asm.accept((ChannelFraming.Data) ChannelFraming.decode(frame));
            if (i < n - 1) assertNull(r); else out = r;
        }
        return out;
    }

    /**
     * The heartbeat adds no frame type: on the wire it is an ordinary one-chunk DATA message whose payload
     * is a ping, so a peer that predates heartbeats decodes it and acks it like any ping (its ack is the pong).
     */
    @Test
    void aHeartbeatIsAnOrdinaryPingMessageOnTheWire() throws Exception {
        byte[] hb = ChannelPayload.heartbeat(7);
        assertEquals(9, hb.length);
        assertTrue(ChannelPayload.isPing(hb), "old receivers (MeshDirect) ack every ping at once");
        assertTrue(ChannelPayload.isHeartbeat(hb));
        assertFalse(ChannelPayload.isHeartbeat(ChannelPayload.ping(7)), "a user's ping is not taken for a heartbeat");
        assertFalse(ChannelPayload.isEnvelope(hb));
        ChannelFraming.Frame f = ChannelFraming.decode(ChannelFraming.encodeChunk(42, hb, 0, MAX));
        ChannelFraming.Data d = assertInstanceOf(ChannelFraming.Data.class, f);
        assertEquals(ChannelFraming.TYPE_DATA, ChannelFraming.encodeChunk(42, hb, 0, MAX)[1]);
        assertEquals(1, d.chunkCount());
        assertArrayEquals(hb, new FrameAssembler(1 << 20).accept(d));
    }

    @Test
    void chunksAndReassemblesAtTheBoundaries() throws Exception {
        int per = MAX - ChannelFraming.DATA_HEADER_BYTES;
        Random rnd = new Random(1);
        for (int len : new int[] {1, 100, per - 1, per, per + 1, 2 * per, 5 << 20}) {
            byte[] msg = new byte[len];
            rnd.nextBytes(msg);
            FrameAssembler asm = new FrameAssembler(64 << 20);
            assertArrayEquals(msg, roundTrip(msg, MAX, asm), "length " + len);
            assertEquals((len + per - 1) / per, ChannelFraming.chunkCount(len, MAX));
        }
        // a peer that allows only 16 KiB frames
        byte[] msg = new byte[100_000];
        rnd.nextBytes(msg);
        assertArrayEquals(msg, roundTrip(msg, 16384, new FrameAssembler(1 << 20)));
    }

    @Test
    void everyFrameFitsTheChannelLimit() {
        byte[] msg = new byte[3 * MAX];
        for (int i = 0; i < ChannelFraming.chunkCount(msg.length, MAX); i++) {
            assertTrue(ChannelFraming.encodeChunk(1, msg, i, MAX).length <= 262_144);
        }
    }

    @Test
    void ackRoundTrip() throws Exception {
        byte[] ack = ChannelFraming.encodeAck(0x0102030405060708L);
        assertEquals(ChannelFraming.ACK_BYTES, ack.length);
        assertEquals(0x0102030405060708L, assertInstanceOf(ChannelFraming.AckFrame.class, ChannelFraming.decode(ack)).messageId());
    }

    @Test
    void acksRoundTripAndTheirLimits() throws Exception {
        long[] ids = {5, 3, 0x0102030405060708L, 4};
        byte[] acks = ChannelFraming.encodeAcks(ids, 1, 4); // a slice: ids 1..3
        assertEquals(4 + 3 * 8, acks.length);
        assertArrayEquals(new long[] {3, 0x0102030405060708L, 4},
                assertInstanceOf(ChannelFraming.AcksFrame.class, ChannelFraming.decode(acks)).messageIds());
        assertEquals(32_767, ChannelFraming.acksPerFrame(MAX), "u16 count caps a 262,144-byte frame");
        assertEquals(127, ChannelFraming.acksPerFrame(1024), "a peer allowing 1 KiB frames gets 127 ids per frame");
        long[] most = new long[ChannelFraming.MAX_ACKS_PER_FRAME];
        assertTrue(ChannelFraming.encodeAcks(most, 0, most.length).length <= MAX);
        assertThrows(IllegalArgumentException.class, () -> ChannelFraming.encodeAcks(ids, 2, 2));
        // Refused: too short to hold n, n = 0, n not matching the length.
        assertTrue(assertThrows(FramingException.class, () -> ChannelFraming.decode(new byte[] {1, 3, 0})).getMessage().contains("too short"));
        assertTrue(assertThrows(FramingException.class, () -> ChannelFraming.decode(new byte[] {1, 3, 0, 0})).getMessage().contains("0 ids"));
        byte[] shortBy8 = java.util.Arrays.copyOf(acks, acks.length - 8);
        assertTrue(assertThrows(FramingException.class, () -> ChannelFraming.decode(shortBy8)).getMessage().contains("must be 28 bytes, got 20"));
        byte[] longer = java.util.Arrays.copyOf(acks, acks.length + 1);
        assertTrue(assertThrows(FramingException.class, () -> ChannelFraming.decode(longer)).getMessage().contains("must be 28 bytes"));
        byte[] tooMany = ByteBuffer.allocate(4).put((byte) 1).put((byte) 3).putShort((short) 0x8000).array();
        assertTrue(assertThrows(FramingException.class, () -> ChannelFraming.decode(tooMany)).getMessage().contains("32768 ids"));
    }

    @Test
    void bundlesRoundTripAndRefuseWhatDoesNotAddUp() throws Exception {
        byte[] one = {1, 2, 3};
        byte[] two = new byte[1000];
        byte[] frame = ChannelFraming.encodeBundle(9, java.util.List.of(one, two));
        assertEquals(12 + 4 + 3 + 4 + 1000, frame.length);
        ChannelFraming.Bundle b = assertInstanceOf(ChannelFraming.Bundle.class, ChannelFraming.decode(frame));
        assertEquals(9, b.messageId());
        assertArrayEquals(one, b.messages().get(0));
        assertArrayEquals(two, b.messages().get(1));
        assertThrows(IllegalArgumentException.class, () -> ChannelFraming.encodeBundle(1, java.util.List.of(one)));
        assertThrows(IllegalArgumentException.class, () -> ChannelFraming.encodeBundle(1, java.util.List.of(one, new byte[0])));
        assertTrue(assertThrows(FramingException.class, () -> ChannelFraming.decode(java.util.Arrays.copyOf(frame, 11))).getMessage().contains("too short"));
        byte[] single = ByteBuffer.allocate(12 + 4 + 3).put((byte) 1).put((byte) 4).putLong(1).putShort((short) 1).putInt(3).put(one).array();
        assertTrue(assertThrows(FramingException.class, () -> ChannelFraming.decode(single)).getMessage().contains("needs 2 or more"));
        assertTrue(assertThrows(FramingException.class, () -> ChannelFraming.decode(java.util.Arrays.copyOf(frame, frame.length - 1)))
                .getMessage().contains("does not fit"));
        assertTrue(assertThrows(FramingException.class, () -> ChannelFraming.decode(java.util.Arrays.copyOf(frame, frame.length + 1)))
                .getMessage().contains("after its last message"));
        byte[] cut = java.util.Arrays.copyOf(frame, 12 + 4 + 3 + 2); // ends inside the second length
        assertTrue(assertThrows(FramingException.class, () -> ChannelFraming.decode(cut)).getMessage().contains("ends before message 1"));
        byte[] zero = frame.clone();
        zero[12 + 4 + 3 + 3] = 0; // the second length 1000 -> 768: no longer adds up
        assertThrows(FramingException.class, () -> ChannelFraming.decode(zero));
    }

    static byte[] header(int version, int type, long id, int index, int count, int total, int chunkLen) {
        return ByteBuffer.allocate(22 + chunkLen).put((byte) version).put((byte) type).putLong(id).putInt(index).putInt(count).putInt(total).array();
    }

    @Test
    void refusesBadFramesWithClearErrors() {
        assertEquals("frame of 1 bytes is too short", assertThrows(FramingException.class, () -> ChannelFraming.decode(new byte[1])).getMessage());
        assertTrue(assertThrows(FramingException.class, () -> ChannelFraming.decode(header(2, 1, 1, 0, 1, 1, 1))).getMessage().contains("version 2"));
        assertTrue(assertThrows(FramingException.class, () -> ChannelFraming.decode(header(1, 7, 1, 0, 1, 1, 1))).getMessage().contains("type 7"));
        assertTrue(assertThrows(FramingException.class, () -> ChannelFraming.decode(header(1, 1, 1, 0, 1, 1, 0))).getMessage().contains("without chunk"));
        assertTrue(assertThrows(FramingException.class, () -> ChannelFraming.decode(header(1, 1, 1, 0, 1, 0, 1))).getMessage().contains("total length"));
        assertTrue(assertThrows(FramingException.class, () -> ChannelFraming.decode(header(1, 1, 1, 0, 1, -1, 1))).getMessage().contains("total length 4294967295"));
        assertTrue(assertThrows(FramingException.class, () -> ChannelFraming.decode(header(1, 1, 1, 0, 5, 3, 1))).getMessage().contains("chunk count"));
        assertTrue(assertThrows(FramingException.class, () -> ChannelFraming.decode(header(1, 1, 1, 2, 2, 10, 1))).getMessage().contains("chunk index"));
        assertTrue(assertThrows(FramingException.class, () -> ChannelFraming.decode(new byte[11])).getMessage().contains("version 0"));
        byte[] ack = ChannelFraming.encodeAck(1);
        byte[] longAck = java.util.Arrays.copyOf(ack, 11);
        assertTrue(assertThrows(FramingException.class, () -> ChannelFraming.decode(longAck)).getMessage().contains("ack frame"));
        assertTrue(assertThrows(FramingException.class, () -> ChannelFraming.decode(new byte[MAX + 1])).getMessage().contains("exceeds"));
    }

    /** Found by ChannelFramingFuzzTest's review: one 23-byte frame announcing the limit used to allocate all of it. */
    @Test
    void assemblerAllocatesWhatArrivesNotWhatIsAnnounced() throws Exception {
        int limit = 64 * 1024 * 1024;
        FrameAssembler asm = new FrameAssembler(limit);
        assertNull(asm.accept(new ChannelFraming.Data(1, 0, 4096, limit, new byte[10])));
        assertTrue(asm.bufferedCapacity() <= FrameAssembler.INITIAL_BUFFER_BYTES, "allocated " + asm.bufferedCapacity());
        // A real multi-chunk message still reassembles byte for byte while the buffer grows.
        byte[] msg = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(msg);
        assertArrayEquals(msg, roundTrip(msg, 16 * 1024, new FrameAssembler(limit)));
    }

    @Test
    void assemblerRefusesBrokenSequencesAndOversizedMessages() throws Exception {
        FrameAssembler asm = new FrameAssembler(1000);
        // too large for the limit: refused before anything is allocated
        FramingException big = assertThrows(FramingException.class,
                () -> asm.accept(new ChannelFraming.Data(1, 0, 2, 2_000_000_000, new byte[10])));
        assertTrue(big.getMessage().contains("exceeds the limit of 1000"), big.getMessage());
        // starts in the middle
        assertThrows(FramingException.class, () -> asm.accept(new ChannelFraming.Data(1, 1, 2, 20, new byte[10])));
        // another message interleaved
        assertNull(asm.accept(new ChannelFraming.Data(1, 0, 2, 20, new byte[10])));
        assertTrue(asm.partial());
        assertTrue(assertThrows(FramingException.class, () -> asm.accept(new ChannelFraming.Data(2, 0, 2, 20, new byte[10])))
                .getMessage().contains("incomplete"));
        assertTrue(!asm.partial(), "reset after an error");
        // skipped chunk
        assertNull(asm.accept(new ChannelFraming.Data(3, 0, 3, 30, new byte[10])));
        assertTrue(assertThrows(FramingException.class, () -> asm.accept(new ChannelFraming.Data(3, 2, 3, 30, new byte[10])))
                .getMessage().contains("chunk 2 where 1 was due"));
        // chunks longer than the total
        assertNull(asm.accept(new ChannelFraming.Data(4, 0, 2, 15, new byte[10])));
        assertThrows(FramingException.class, () -> asm.accept(new ChannelFraming.Data(4, 1, 2, 15, new byte[10])));
        // chunks shorter than the total
        assertNull(asm.accept(new ChannelFraming.Data(5, 0, 2, 30, new byte[10])));
        assertTrue(assertThrows(FramingException.class, () -> asm.accept(new ChannelFraming.Data(5, 1, 2, 30, new byte[10])))
                .getMessage().contains("20 of 30 bytes"));
        // and it still works afterwards
        assertArrayEquals(new byte[] {1, 2, 3}, asm.accept(new ChannelFraming.Data(6, 0, 1, 3, new byte[] {1, 2, 3})));
    }

    @Test
    void remoteMaxMessageSizeIsRead() {
        assertEquals(262144, P2pSession.remoteMaxMessageSize("v=0\r\na=sctp-port:5000\r\na=max-message-size:262144\r\n"));
        assertEquals(65536, P2pSession.remoteMaxMessageSize("v=0\r\n"), "RFC 8841 default when absent");
        assertEquals(Integer.MAX_VALUE, P2pSession.remoteMaxMessageSize("a=max-message-size:0\r\n"), "0 means no limit");
    }
}
