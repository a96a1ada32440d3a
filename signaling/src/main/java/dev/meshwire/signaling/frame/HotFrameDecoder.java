package dev.meshwire.signaling.frame;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.meshwire.signaling.envelope.Body;
import dev.meshwire.signaling.envelope.Channel;
import dev.meshwire.signaling.envelope.Envelope;
import dev.meshwire.signaling.envelope.Meta;
import dev.meshwire.signaling.envelope.Priority;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A one-pass decoder for the two frames a relayed message brings in by the thousand, {@code send} and
 * {@code client_ack}: it reads the text with a streaming parser straight into the records, without the JSON tree
 * and the schema walk of {@link FrameCodec#decode}, and keeps the text of a {@code send}'s envelope, which the
 * coordinator stores and relays as it came.
 *
 * <p>It only takes the plain case and <b>declines</b> (returns null) everything else, so that {@link FrameCodec}'s
 * strict decoder — the one definition of the rules of docs/protocol.md §1 — decides it and words the refusal:
 * invalid JSON, anything after the object, a key that appears twice, a {@code null}, a key the record does not
 * have (ignored by the rules, but rare on these frames, and a repeated unknown key would have to be refused), a
 * wrong JSON type, an integer outside its range, an empty list, an {@code id} over {@value FrameCodec#MAX_ID_CHARS}
 * characters, a missing {@code envelope.v} or {@code body.bodyVersion}, or a frame of another type. So whatever it
 * returns is the record the strict decoder returns for the same text, and whatever it declines gets exactly the
 * answer it got before (FrameCodecHotPathTest checks both on the vectors and on mutations of them).
 */
final class HotFrameDecoder {
    /** The same limits as the strict decoder's; a text that exceeds one is declined and refused there. */
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).maxStringLength(16 * 1024 * 1024).build())
            .build();

    private HotFrameDecoder() {}

    /** Declined: the strict decoder takes the frame. Thrown only inside this class, without a stack trace. */
    private static final class Decline extends Exception {
        static final Decline INSTANCE = new Decline();

        private Decline() {
            super(null, null, false, false);
        }
    }

    // Top-level keys of both frames (bit flags, so a repeated key is seen).
    private static final int TYPE = 1, ID = 2, TO = 4, ENVELOPE = 8, MESSAGE_ID = 16, CLIENT_MESSAGE_ID = 32, FROM = 64;

    /** The frame and, for a {@code send}, its envelope's JSON text as it came; null when declined. */
    static FrameCodec.Decoded decode(String text) {
        try (JsonParser p = FACTORY.createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) return null;
            int seen = 0;
            String type = null, id = null, to = null, messageId = null, clientMessageId = null, from = null, envelopeJson = null;
            Envelope envelope = null;
            for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                int key = topKey(p.currentName());
                if (key == 0 || (seen & key) != 0) return null;
                seen |= key;
                JsonToken v = p.nextToken();
                if (key == ENVELOPE) {
                    if (v != JsonToken.START_OBJECT) return null;
                    int start = (int) p.currentTokenLocation().getCharOffset();
                    envelope = envelope(p);
                    envelopeJson = text.substring(start, (int) p.currentTokenLocation().getCharOffset() + 1);
                    continue;
                }
                String s = string(p, v);
                switch (key) {
                    case TYPE -> type = s;
                    case ID -> id = s;
                    case TO -> to = s;
                    case MESSAGE_ID -> messageId = s;
                    case CLIENT_MESSAGE_ID -> clientMessageId = s;
                    default -> from = s;
                }
            }
            if (p.nextToken() != null) return null;
            if ("send".equals(type) && (seen & (MESSAGE_ID | CLIENT_MESSAGE_ID | FROM)) == 0
                    && (id == null || id.length() <= FrameCodec.MAX_ID_CHARS)) {
                return new FrameCodec.Decoded(new Frames.Send(id, to, envelope), envelopeJson);
            }
            if ("client_ack".equals(type) && (seen & (ID | TO | ENVELOPE)) == 0) {
                return new FrameCodec.Decoded(new Frames.ClientAck(messageId, clientMessageId, from), null);
            }
            return null;
        } catch (Decline | IOException | RuntimeException e) {
            return null;
        }
    }

    private static int topKey(String name) {
        return switch (name) {
            case "type" -> TYPE;
            case "id" -> ID;
            case "to" -> TO;
            case "envelope" -> ENVELOPE;
            case "messageId" -> MESSAGE_ID;
            case "clientMessageId" -> CLIENT_MESSAGE_ID;
            case "from" -> FROM;
            default -> 0;
        };
    }

    private static Envelope envelope(JsonParser p) throws IOException, Decline {
        int seen = 0;
        int v = 0;
        Channel channel = null;
        String target = null, from = null, signature = null;
        Body body = null;
        Meta meta = null;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            String name = p.currentName();
            int bit = switch (name) {
                case "v" -> 1;
                case "channel" -> 2;
                case "target" -> 4;
                case "from" -> 8;
                case "body" -> 16;
                case "meta" -> 32;
                case "signature" -> 64;
                default -> throw Decline.INSTANCE;
            };
            if ((seen & bit) != 0) throw Decline.INSTANCE;
            seen |= bit;
            JsonToken value = p.nextToken();
            switch (bit) {
                case 1 -> v = intValue(p, value);
                case 2 -> channel = channel(string(p, value));
                case 4 -> target = string(p, value);
                case 8 -> from = string(p, value);
                case 16 -> body = body(p, value);
                case 32 -> meta = meta(p, value);
                default -> signature = string(p, value);
            }
        }
        if ((seen & 1) == 0) throw Decline.INSTANCE; // envelope.v is required: the strict decoder words it
        return new Envelope(v, channel, target, from, body, meta, signature);
    }

    private static Body body(JsonParser p, JsonToken start) throws IOException, Decline {
        if (start != JsonToken.START_OBJECT) throw Decline.INSTANCE;
        int seen = 0;
        String nonce = null, ciphertext = null;
        int bodyVersion = 0;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            int bit = switch (p.currentName()) {
                case "nonce" -> 1;
                case "ciphertext" -> 2;
                case "bodyVersion" -> 4;
                default -> throw Decline.INSTANCE;
            };
            if ((seen & bit) != 0) throw Decline.INSTANCE;
            seen |= bit;
            JsonToken value = p.nextToken();
            switch (bit) {
                case 1 -> nonce = string(p, value);
                case 2 -> ciphertext = string(p, value);
                default -> bodyVersion = intValue(p, value);
            }
        }
        if ((seen & 4) == 0) throw Decline.INSTANCE; // body.bodyVersion is required
        return new Body(nonce, ciphertext, bodyVersion);
    }

    /** The closed key set of {@link Meta}: any other key is declined (and refused by name by the strict decoder). */
    private static Meta meta(JsonParser p, JsonToken start) throws IOException, Decline {
        if (start != JsonToken.START_OBJECT) throw Decline.INSTANCE;
        int seen = 0;
        String clientMessageId = null, requestFingerprint = null, streamId = null, rpcCorrelationId = null, replyToId = null, subpeer = null;
        Priority priority = null;
        Long timeoutMs = null, streamChunkId = null, expiresAt = null, createdAt = null;
        Boolean streamTerminator = null, rpcResponse = null;
        List<String> mentions = null;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            String name = p.currentName();
            int bit = switch (name) {
                case "clientMessageId" -> 1;
                case "requestFingerprint" -> 1 << 1;
                case "priority" -> 1 << 2;
                case "timeoutMs" -> 1 << 3;
                case "streamId" -> 1 << 4;
                case "streamChunkId" -> 1 << 5;
                case "streamTerminator" -> 1 << 6;
                case "rpcCorrelationId" -> 1 << 7;
                case "rpcResponse" -> 1 << 8;
                case "replyToId" -> 1 << 9;
                case "mentions" -> 1 << 10;
                case "expiresAt" -> 1 << 11;
                case "createdAt" -> 1 << 12;
                case "subpeer" -> 1 << 13;
                default -> throw Decline.INSTANCE;
            };
            if ((seen & bit) != 0) throw Decline.INSTANCE;
            seen |= bit;
            JsonToken value = p.nextToken();
            switch (name) {
                case "clientMessageId" -> clientMessageId = string(p, value);
                case "requestFingerprint" -> requestFingerprint = string(p, value);
                case "priority" -> priority = priority(string(p, value));
                case "timeoutMs" -> timeoutMs = longValue(p, value);
                case "streamId" -> streamId = string(p, value);
                case "streamChunkId" -> streamChunkId = longValue(p, value);
                case "streamTerminator" -> streamTerminator = bool(value);
                case "rpcCorrelationId" -> rpcCorrelationId = string(p, value);
                case "rpcResponse" -> rpcResponse = bool(value);
                case "replyToId" -> replyToId = string(p, value);
                case "mentions" -> mentions = strings(p, value);
                case "expiresAt" -> expiresAt = longValue(p, value);
                case "createdAt" -> createdAt = longValue(p, value);
                default -> subpeer = string(p, value);
            }
        }
        return new Meta(clientMessageId, requestFingerprint, priority, timeoutMs, streamId, streamChunkId, streamTerminator,
                rpcCorrelationId, rpcResponse, replyToId, mentions, expiresAt, createdAt, subpeer);
    }

    private static String string(JsonParser p, JsonToken t) throws IOException, Decline {
        if (t != JsonToken.VALUE_STRING) throw Decline.INSTANCE;
        return p.getText();
    }

    private static int intValue(JsonParser p, JsonToken t) throws IOException, Decline {
        if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT) throw Decline.INSTANCE;
        return p.getIntValue();
    }

    private static Long longValue(JsonParser p, JsonToken t) throws IOException, Decline {
        if (t != JsonToken.VALUE_NUMBER_INT) throw Decline.INSTANCE;
        JsonParser.NumberType n = p.getNumberType();
        if (n != JsonParser.NumberType.INT && n != JsonParser.NumberType.LONG) throw Decline.INSTANCE;
        return p.getLongValue();
    }

    private static Boolean bool(JsonToken t) throws Decline {
        if (t == JsonToken.VALUE_TRUE) return Boolean.TRUE;
        if (t == JsonToken.VALUE_FALSE) return Boolean.FALSE;
        throw Decline.INSTANCE;
    }

    private static List<String> strings(JsonParser p, JsonToken start) throws IOException, Decline {
        if (start != JsonToken.START_ARRAY) throw Decline.INSTANCE;
        List<String> out = new ArrayList<>();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) out.add(string(p, t));
        if (out.isEmpty()) throw Decline.INSTANCE;
        return out;
    }

    /** The wire names of {@link Channel#wireName()}, without its lookup's lower-casing per call. */
    private static Channel channel(String wire) throws Decline {
        return switch (wire) {
            case "dm" -> Channel.DM;
            case "group" -> Channel.GROUP;
            case "topic" -> Channel.TOPIC;
            case "rpc" -> Channel.RPC;
            case "system" -> Channel.SYSTEM;
            case "stream" -> Channel.STREAM;
            default -> throw Decline.INSTANCE;
        };
    }

    private static Priority priority(String wire) throws Decline {
        return switch (wire) {
            case "now" -> Priority.NOW;
            case "next" -> Priority.NEXT;
            case "low" -> Priority.LOW;
            default -> throw Decline.INSTANCE;
        };
    }
}
