package dev.meshwire.livekit.room;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import livekit.LivekitModels.DataPacket;
import livekit.LivekitModels.DataStream;
import org.junit.jupiter.api.Test;

/**
 * The data stream wire rules of both ends: what {@link DataStreams} builds, {@link StreamAssembler} reassembles
 * (the interop with LiveKit's SDK is RtcNodeDataStreamTest); and every broken stream is refused with a reason.
 */
class StreamAssemblerTest {
    final List<RoomData> done = new ArrayList<>();
    final List<String> refused = new ArrayList<>();
    final StreamAssembler a = new StreamAssembler(100_000, new StreamAssembler.Sink() {
        @Override
        public void complete(RoomData data) {
            done.add(data);
        }

        @Override
        public void refused(String from, String topic, String streamId, String reason) {
            refused.add(streamId + ": " + reason);
        }
    });

    void feed(String from, List<byte[]> packets) throws Exception {
        for (byte[] p : packets) a.accept(from, DataPacket.parseFrom(p));
    }

    @Test
    void textChunksAreCutOnCharacterBoundariesAndReassembleWhole() throws Exception {
        byte[] text = "ä✓".repeat(10_000).getBytes(StandardCharsets.UTF_8); // 50 000 bytes, 2- and 3-byte characters
        List<byte[]> packets = DataStreams.packets(List.of("bob"), "t", text, "s1", true, null);
        assertEquals(2 + 4, packets.size(), "header, 4 chunks of at most 15 000 bytes, trailer");
        for (byte[] p : packets.subList(1, packets.size() - 1)) {
            DataStream.Chunk c = DataPacket.parseFrom(p).getStreamChunk();
            assertTrue(c.getContent().size() <= DataStreams.CHUNK_BYTES);
            assertTrue(c.getContent().isValidUtf8(), "chunk " + c.getChunkIndex() + " ends on a character boundary");
            assertEquals(List.of("bob"), DataPacket.parseFrom(p).getDestinationIdentitiesList());
        }
        feed("alice", packets);
        assertEquals(1, done.size());
        assertArrayEquals(text, done.get(0).payload());
        assertEquals("s1", done.get(0).packetId());
        assertEquals("alice", done.get(0).fromIdentity());
    }

    @Test
    void brokenStreamsAreRefusedWithAReason() throws Exception {
        byte[] bytes = new byte[40_000];
        List<byte[]> p = DataStreams.packets(List.of(), "t", bytes, "gap", false, "f");
        List<byte[]> gap = new ArrayList<>(p);
        gap.remove(2); // chunk 1 missing
        feed("alice", gap);
        List<byte[]> aborted = new ArrayList<>(DataStreams.packets(List.of(), "t", bytes, "abort", false, "f").subList(0, 2));
        aborted.add(DataPacket.newBuilder().setStreamTrailer(DataStream.Trailer.newBuilder().setStreamId("abort").setReason("cancelled")).build().toByteArray());
        feed("alice", aborted);
        List<byte[]> shortOne = new ArrayList<>(DataStreams.packets(List.of(), "t", bytes, "short", false, "f"));
        shortOne.remove(shortOne.size() - 2); // last chunk missing, trailer arrives
        feed("alice", shortOne);
        feed("alice", DataStreams.packets(List.of(), "t", new byte[100_001], "big", false, "f"));
        DataStream.Header compressed = DataStream.Header.newBuilder().setStreamId("z").setTopic("t")
                .setTextHeader(DataStream.TextHeader.getDefaultInstance())
                .setUnknownFields(UnknownFieldSet.newBuilder().addField(StreamAssembler.COMPRESSION_FIELD,
                        UnknownFieldSet.Field.newBuilder().addVarint(1).build()).build()).build();
        a.accept("alice", DataPacket.newBuilder().setStreamHeader(compressed).build());
        feed("alice", DataStreams.packets(List.of(), "t", new byte[20_000], "left", false, "f").subList(0, 2));
        a.abortFrom("alice", "alice left the room in the middle of the stream");
        assertEquals(List.of(
                "gap: chunk 1 of the data stream is missing (got 2)",
                "abort: the sender ended the data stream early: cancelled",
                "short: the data stream ended after 30000 of its announced 40000 bytes",
                "big: a data stream of 100001 bytes exceeds the limit of 100000 bytes",
                "z: compressed data streams are not supported",
                "left: alice left the room in the middle of the stream"), refused);
        assertTrue(done.isEmpty());
        assertEquals(0, a.openStreams());
    }

    @Test
    void anInlineStreamIsWholeInItsHeader() {
        DataStream.Header inline = DataStream.Header.newBuilder().setStreamId("i").setTopic("t")
                .setTextHeader(DataStream.TextHeader.getDefaultInstance())
                .setUnknownFields(UnknownFieldSet.newBuilder().addField(StreamAssembler.INLINE_CONTENT_FIELD,
                        UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.copyFromUtf8("hello")).build()).build()).build();
        a.accept("alice", DataPacket.newBuilder().setStreamHeader(inline).build());
        assertEquals("hello", new String(done.get(0).payload(), StandardCharsets.UTF_8));
    }
}
