package dev.meshwire.livekit.room;

import java.io.ByteArrayOutputStream;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import livekit.LivekitModels.DataPacket;
import livekit.LivekitModels.DataStream;
import livekit.LivekitModels.Encryption;

/**
 * Reassembles incoming LiveKit data streams (header, chunks, trailer) into whole payloads, with the receiving rules of
 * LiveKit's SDKs (rust-sdks livekit-data-stream, uncompressed "v1" streams): chunks must arrive with contiguous
 * indexes from 0; more bytes than {@code total_length}, fewer at the trailer, or a trailer with a reason fail the
 * stream. We advertise no compression capability, so conforming senders never compress to us.
 *
 * <p>Bounded: a stream over {@code maxBytes} is refused as soon as its header (by {@code total_length}) or its
 * chunks say so, and at most {@link #MAX_OPEN} streams are assembled at once (the oldest is dropped for a new one).
 * Every failure is reported once, with a one-line reason, and the stream's buffer is freed. Not thread-safe: the room
 * thread owns it.
 */
final class StreamAssembler {
    static final int MAX_OPEN = 64;
    /** livekit_models {@code DataStream.Header.inline_content} (protocol newer than our classes). */
    static final int INLINE_CONTENT_FIELD = 11;
    /** livekit_models {@code DataStream.Header.compression} (absent = NONE). */
    static final int COMPRESSION_FIELD = 12;

    /** Where finished streams and refusals go. */
    interface Sink {
        void complete(RoomData data);

        void refused(String fromIdentity, String topic, String streamId, String reason);
    }

    private final int maxBytes;
    private final Sink sink;
    private final Map<String, Open> open = new LinkedHashMap<>();

    private static final class Open {
        final String from;
        final String streamId;
        final String topic;
        final Long total;
        final String name;
        final ByteArrayOutputStream buf = new ByteArrayOutputStream();
        long nextIndex;

        Open(String from, String streamId, String topic, Long total, String name) {
            this.from = from;
            this.name = name;
            this.streamId = streamId;
            this.topic = topic;
            this.total = total;
        }
    }

    StreamAssembler(int maxBytes, Sink sink) {
        this.maxBytes = maxBytes;
        this.sink = sink;
    }

    /** Handles a stream packet from {@code from} (the server-stamped sender). Other packets are ignored. */
    void accept(String from, DataPacket p) {
        switch (p.getValueCase()) {
            case STREAM_HEADER -> header(from, p.getStreamHeader());
            case STREAM_CHUNK -> chunk(from, p.getStreamChunk());
            case STREAM_TRAILER -> trailer(from, p.getStreamTrailer());
            default -> { }
        }
    }

    private static String key(String from, String streamId) {
        return from + "\n" + streamId;
    }

    private void header(String from, DataStream.Header h) {
        String id = h.getStreamId();
        if (id.isEmpty() || id.length() > 256) {
            sink.refused(from, h.getTopic(), id, "a data stream header without a valid stream id");
            return;
        }
        String k = key(from, id);
        if (open.containsKey(k)) return; // "already open": the SDKs ignore a second header too
        if (h.getContentHeaderCase() == DataStream.Header.ContentHeaderCase.CONTENTHEADER_NOT_SET) {
            sink.refused(from, h.getTopic(), id, "the data stream header has neither a text nor a byte header");
            return;
        }
        if (h.getEncryptionType() != Encryption.Type.NONE) {
            sink.refused(from, h.getTopic(), id, "encrypted data streams are not supported (LiveKit E2EE is not used)");
            return;
        }
        if (h.hasTotalLength() && h.getTotalLength() > maxBytes) {
            sink.refused(from, h.getTopic(), id, "a data stream of " + h.getTotalLength() + " bytes exceeds the limit of " + maxBytes + " bytes");
            return;
        }
        // Fields newer than the protocol classes we build on (livekit_models DataStream.Header: 11 inline_content,
        // 12 compression) arrive as unknown fields. We announce no client protocol, so conforming senders use
        // neither; read them anyway rather than misread the stream.
        var unknown = h.getUnknownFields();
        if (unknown.hasField(COMPRESSION_FIELD)) {
            sink.refused(from, h.getTopic(), id, "compressed data streams are not supported");
            return;
        }
        if (unknown.hasField(INLINE_CONTENT_FIELD) && !unknown.getField(INLINE_CONTENT_FIELD).getLengthDelimitedList().isEmpty()) {
            byte[] content = unknown.getField(INLINE_CONTENT_FIELD).getLengthDelimitedList().get(0).toByteArray();
            if (content.length > maxBytes) {
                sink.refused(from, h.getTopic(), id, "a data stream of " + content.length + " bytes exceeds the limit of " + maxBytes + " bytes");
            } else {
                sink.complete(new RoomData(from, h.getTopic(), content, id, true,
                        h.hasByteHeader() && !h.getByteHeader().getName().isEmpty() ? h.getByteHeader().getName() : null)); // a whole stream in its header
            }
            return;
        }
        if (open.size() >= MAX_OPEN) {
            Iterator<Open> oldest = open.values().iterator();
            Open o = oldest.next();
            oldest.remove();
            sink.refused(o.from, o.topic, o.streamId, "more than " + MAX_OPEN + " data streams open at once; the oldest was dropped");
        }
        String name = h.hasByteHeader() && !h.getByteHeader().getName().isEmpty() ? h.getByteHeader().getName() : null;
        open.put(k, new Open(from, id, h.getTopic(), h.hasTotalLength() ? h.getTotalLength() : null, name));
    }

    private void chunk(String from, DataStream.Chunk c) {
        String k = key(from, c.getStreamId());
        Open o = open.get(k);
        if (o == null) return; // a stream we never opened (or already failed): the SDKs ignore it too
        String why = null;
        if (c.hasIv() && !c.getIv().isEmpty()) why = "encrypted data stream chunks are not supported";
        else if (c.getChunkIndex() != o.nextIndex) why = "chunk " + o.nextIndex + " of the data stream is missing (got " + c.getChunkIndex() + ")";
        else if ((long) o.buf.size() + c.getContent().size() > maxBytes) why = "the data stream exceeds the limit of " + maxBytes + " bytes";
        else if (o.total != null && (long) o.buf.size() + c.getContent().size() > o.total) why = "the data stream is longer than its announced " + o.total + " bytes";
        if (why != null) {
            fail(k, o, why);
            return;
        }
        o.nextIndex++;
        o.buf.writeBytes(c.getContent().toByteArray());
    }

    private void trailer(String from, DataStream.Trailer t) {
        String k = key(from, t.getStreamId());
        Open o = open.get(k);
        if (o == null) return;
        if (!t.getReason().isEmpty()) {
            fail(k, o, "the sender ended the data stream early: " + oneLine(t.getReason()));
        } else if (o.total != null && o.buf.size() < o.total) {
            fail(k, o, "the data stream ended after " + o.buf.size() + " of its announced " + o.total + " bytes");
        } else {
            open.remove(k);
            sink.complete(new RoomData(o.from, o.topic, o.buf.toByteArray(), o.streamId, true, o.name));
        }
    }

    /** Fails every stream {@code identity} was sending (she left the room; LiveKit's SDKs do the same). */
    void abortFrom(String identity, String why) {
        for (Iterator<Open> it = open.values().iterator(); it.hasNext(); ) {
            Open o = it.next();
            if (!o.from.equals(identity)) continue;
            it.remove();
            sink.refused(o.from, o.topic, o.streamId, why);
        }
    }

    /** Fails every open stream (our own connection dropped: their remaining chunks went to the old connection). */
    void abortAll(String why) {
        for (Open o : open.values()) sink.refused(o.from, o.topic, o.streamId, why);
        open.clear();
    }

    int openStreams() {
        return open.size();
    }

    private void fail(String k, Open o, String why) {
        open.remove(k);
        sink.refused(o.from, o.topic, o.streamId, why);
    }

    private static String oneLine(String s) {
        String t = s.replaceAll("[\\r\\n\\t]+", " ");
        return t.length() > 200 ? t.substring(0, 200) : t;
    }
}
