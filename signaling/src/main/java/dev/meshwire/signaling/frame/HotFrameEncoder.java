package dev.meshwire.signaling.frame;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.meshwire.signaling.JsonMembers;

/**
 * Writes the frames a relayed message causes by the thousand — the sender's {@code ack} and its {@code receipt} —
 * straight into a string, without the JSON tree {@link FrameCodec#encode} builds for other frames. The text is the
 * tree encoding's, byte for byte (the record's non-null fields in declaration order, then {@code type}, strings
 * escaped by Jackson's own escaper), which FrameCodecHotPathTest checks.
 */
final class HotFrameEncoder {
    private HotFrameEncoder() {}

    /** The text of {@code frame}, or null for a frame type written through the tree. */
    static String encode(Frame frame) {
        if (frame instanceof Frames.Ack a) {
            StringBuilder b = new StringBuilder(160);
            b.append('{');
            boolean more = field(b, false, "id", a.id());
            more = field(b, more, "clientMessageId", a.clientMessageId());
            more = field(b, more, "messageId", a.messageId());
            more = field(b, more, "status", a.status());
            field(b, more, "type", "ack");
            return b.append('}').toString();
        }
        if (frame instanceof Frames.Receipt r) {
            StringBuilder b = new StringBuilder(224);
            b.append('{');
            boolean more = field(b, false, "mesh", r.mesh());
            more = field(b, more, "messageId", r.messageId());
            more = field(b, more, "clientMessageId", r.clientMessageId());
            more = field(b, more, "to", r.to());
            more = JsonMembers.number(b, more, "at", r.at());
            field(b, more, "type", "receipt");
            return b.append('}').toString();
        }
        return null;
    }

    /** A string member quoted as the tree encoding quotes it (Jackson's own escaper). */
    private static boolean field(StringBuilder b, boolean more, String name, String value) {
        return JsonMembers.string(b, more, name, value, HotFrameEncoder::quote);
    }

    private static void quote(String value, StringBuilder b) {
        b.append('"');
        JsonStringEncoder.getInstance().quoteAsString(value, b);
        b.append('"');
    }
}
