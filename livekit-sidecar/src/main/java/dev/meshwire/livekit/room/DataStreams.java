package dev.meshwire.livekit.room;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import livekit.LivekitModels.DataPacket;
import livekit.LivekitModels.DataStream;

/**
 * Builds LiveKit data streams (livekit_models {@code DataStream}: one {@code Header}, {@code Chunk}s, one
 * {@code Trailer}) the way LiveKit's SDKs send them without compression (rust-sdks livekit-data-stream, which
 * {@code @livekit/rtc-node} 1.1.0 runs): chunks of at most {@link #CHUNK_BYTES} content bytes, indexed from 0, a
 * text stream cut on UTF-8 character boundaries, {@code total_length} set, an empty trailer reason meaning "complete".
 *
 * <p>Unlike the SDKs, the destination identities go on every packet (not only the header): a chunk then reaches only
 * the addressees, whatever the server does with chunks that name nobody.
 */
final class DataStreams {
    /** Content bytes per chunk: LiveKit's {@code STREAM_CHUNK_SIZE_BYTES}, below the ~16 KB data channel budget. */
    static final int CHUNK_BYTES = 15_000;

    private DataStreams() {}

    /** The packets of one stream, in send order: header, chunks, trailer. */
    static List<byte[]> packets(List<String> destinations, String topic, byte[] payload, String streamId, boolean text, String name) {
        DataStream.Header.Builder header = DataStream.Header.newBuilder()
                .setStreamId(streamId)
                .setTimestamp(System.currentTimeMillis())
                .setTopic(topic)
                .setTotalLength(payload.length);
        if (text) {
            header.setMimeType("text/plain").setTextHeader(DataStream.TextHeader.newBuilder()
                    .setOperationType(DataStream.OperationType.CREATE));
        } else {
            header.setMimeType("application/octet-stream").setByteHeader(DataStream.ByteHeader.newBuilder()
                    .setName(name == null || name.isEmpty() ? "unknown" : name));
        }
        List<byte[]> out = new ArrayList<>();
        out.add(packet(destinations).setStreamHeader(header).build().toByteArray());
        long index = 0;
        for (int from = 0; from < payload.length; ) {
            int to = text ? textCut(payload, from) : Math.min(payload.length, from + CHUNK_BYTES);
            out.add(packet(destinations).setStreamChunk(DataStream.Chunk.newBuilder().setStreamId(streamId)
                    .setChunkIndex(index++).setContent(ByteString.copyFrom(payload, from, to - from))).build().toByteArray());
            from = to;
        }
        out.add(packet(destinations).setStreamTrailer(DataStream.Trailer.newBuilder().setStreamId(streamId)).build().toByteArray());
        return out;
    }

    private static DataPacket.Builder packet(List<String> destinations) {
        return DataPacket.newBuilder().setKind(DataPacket.Kind.RELIABLE).addAllDestinationIdentities(destinations);
    }

    /** The end of the chunk starting at {@code from}: at most {@link #CHUNK_BYTES} on, never inside a UTF-8 character. */
    static int textCut(byte[] utf8, int from) {
        int to = Math.min(utf8.length, from + CHUNK_BYTES);
        if (to == utf8.length) return to;
        int cut = to;
        while (cut > from && (utf8[cut] & 0xC0) == 0x80) cut--; // back off continuation bytes
        return cut == from ? to : cut; // a malformed run of continuation bytes: cut anyway
    }

    /** True if {@code bytes} is well-formed UTF-8. */
    static boolean isUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes));
            return true;
        } catch (java.nio.charset.CharacterCodingException e) {
            return false;
        }
    }
}
