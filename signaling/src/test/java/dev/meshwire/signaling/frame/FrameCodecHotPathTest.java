package dev.meshwire.signaling.frame;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.meshwire.signaling.Json;
import dev.meshwire.signaling.TestVectors;
import dev.meshwire.signaling.envelope.Body;
import dev.meshwire.signaling.envelope.Channel;
import dev.meshwire.signaling.envelope.Envelope;
import dev.meshwire.signaling.envelope.Meta;
import dev.meshwire.signaling.envelope.Priority;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The one-pass decoder of {@code send}/{@code client_ack} ({@link HotFrameDecoder}) and the direct encoder of
 * {@code ack}/{@code receipt} ({@link HotFrameEncoder}) against the tree codec they stand in for: on the envelope
 * vectors of docs/test-vectors.md and on thousands of mutations of them (every field made null, another JSON type,
 * out of range, repeated, unknown keys added, bytes cut), whatever the hot decoder returns is the record the strict
 * decoder returns, and {@link FrameCodec#decode} answers every text — frame or error code and message — exactly as
 * the strict decoder does.
 */
class FrameCodecHotPathTest {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    /** The envelope of "Envelope v2 signature" in docs/test-vectors.md. */
    private static Envelope vectorEnvelope() {
        return new Envelope(2, Channel.DM, TestVectors.BOB_PUB, TestVectors.ALICE_PUB,
                new Body(TestVectors.BOX_NONCE_B64, TestVectors.BOX_CIPHERTEXT_B64, 1),
                Meta.of("cmid-0001", Priority.NOW, 1767225600000L), TestVectors.ENVELOPE_SIG);
    }

    /** The envelope of "Meta escaping": every kind of string escape, mentions, a second int field. */
    private static Envelope escapingEnvelope() {
        Meta meta = new Meta("cmid-0002", null, Priority.LOW, 30000L, null, null, null, null, null, "cmid-\"0001\"",
                List.of("quote\"back\\slash", "tab\tnl\ncr\r", "ctl\u0001\u001F", "é 😀"), null, 1767225600000L);
        return new Envelope(2, Channel.DM, TestVectors.BOB_PUB, TestVectors.ALICE_PUB,
                new Body(TestVectors.BOX_NONCE_B64, TestVectors.BOX_CIPHERTEXT_B64, 1), meta,
                "ab84dbe498607588d45b5179832c58394c3bec104714a0a16451d3991ac63645b8f7c28484734c2588e39bd14581d20b68566e405b61b95708a6cfb51660f10f");
    }

    /** Every meta key set, and a sub-peer, on a stream envelope. */
    private static Envelope fullEnvelope() {
        Meta meta = new Meta("c1", "fp", Priority.NEXT, 1L, "s", 2L, true, "r", false, "c0", List.of("bob"), 9L, 5L, "lk:alice");
        return new Envelope(2, Channel.STREAM, TestVectors.BOB_PUB, TestVectors.ALICE_PUB,
                new Body(TestVectors.BOX_NONCE_B64, TestVectors.BOX_CIPHERTEXT_B64, 2), meta, "00".repeat(64));
    }

    private static List<String> plainFrames() {
        List<String> out = new ArrayList<>();
        for (Envelope e : List.of(vectorEnvelope(), escapingEnvelope(), fullEnvelope())) {
            out.add(FrameCodec.encodeTree(new Frames.Send("s-1", TestVectors.BOB_PUB, e)));
            out.add(FrameCodec.encodeTree(new Frames.Send(null, TestVectors.BOB_PUB, e)));
        }
        out.add(FrameCodec.encodeTree(new Frames.ClientAck("msg_" + "ab".repeat(12), "cmid-0001", TestVectors.ALICE_PUB)));
        out.add(FrameCodec.encodeTree(new Frames.ClientAck("msg_" + "ab".repeat(12), null, null)));
        // Key order, whitespace and escapes of the sender's choosing.
        out.add("{ \"envelope\" : {\"signature\":\"" + TestVectors.ENVELOPE_SIG + "\",\"meta\":{\"createdAt\":1767225600000,"
                + "\"priority\":\"now\",\"clientMessageId\":\"cmid-\\u0030001\"},\"body\":{\"bodyVersion\":1,\"ciphertext\":\""
                + TestVectors.BOX_CIPHERTEXT_B64 + "\",\"nonce\":\"" + TestVectors.BOX_NONCE_B64 + "\"},\"from\":\"" + TestVectors.ALICE_PUB
                + "\",\"target\":\"" + TestVectors.BOB_PUB + "\",\"channel\":\"dm\",\"v\":2}\n, \"to\":\"" + TestVectors.BOB_PUB
                + "\", \"id\":\"\\u00e9\", \"type\":\"send\" }");
        return out;
    }

    @Test
    void plainSendAndClientAckTakeTheHotPathAndKeepTheEnvelopeText() throws Exception {
        for (String text : plainFrames()) {
            FrameCodec.Decoded hot = HotFrameDecoder.decode(text);
            assertNotNull(hot, text);
            assertEquals(FrameCodec.decodeStrict(text), hot.frame(), text);
            if (hot.frame() instanceof Frames.Send s) {
                assertEquals(Json.MAPPER.readTree(text).get("envelope"), Json.MAPPER.readTree(hot.envelopeJson()), "the sender's envelope as it came");
                assertEquals(s.envelope(), Json.MAPPER.readValue(hot.envelopeJson(), Envelope.class));
            } else {
                assertNull(hot.envelopeJson());
            }
        }
    }

    @Test
    void mutationsGetTheStrictDecodersAnswer() {
        List<String> corpus = new ArrayList<>();
        for (String text : plainFrames()) {
            corpus.add(text);
            ObjectNode tree = (ObjectNode) readTree(text);
            for (List<Object> path : paths(tree, new ArrayList<>())) {
                for (JsonNode replacement : replacements()) corpus.add(with(tree, path, replacement).toString());
                corpus.add(without(tree, path).toString());
            }
            for (ObjectNode o : objects(tree)) {
                ObjectNode copy = o.deepCopy();
                o.put("unknownKey", 1);
                corpus.add(tree.toString());
                o.removeAll();
                o.setAll(copy);
            }
            corpus.add(text + " {}");
            corpus.add(text + " ");
            corpus.add(text.replaceFirst("\\{", "{\"type\":\"send\","));
            corpus.add(text.replace("\"clientMessageId\":", "\"clientMessageId\":\"x\",\"clientMessageId\":"));
            corpus.add(text.replace("\"nonce\":", "\"nonce\":\"x\",\"nonce\":"));
            corpus.add(text.replace("\"v\":2", "\"v\":2.0"));
            corpus.add(text.replace("\"v\":2", "\"v\":2e0"));
            corpus.add(text.replace("\"v\":2", "\"v\":-0"));
            corpus.add(text.replace("\"v\":2", "\"v\":3"));
            corpus.add(text.replace("\"type\":\"send\"", "\"type\":\"client_ack\""));
            corpus.add(text.replace("\"type\":\"client_ack\"", "\"type\":\"send\""));
            corpus.add(text.replace("\"id\":\"s-1\"", "\"id\":\"" + "x".repeat(65) + "\""));
            corpus.add(text.replace("\"id\":\"s-1\"", "\"id\":\"" + "x".repeat(64) + "\""));
            Random random = new Random(text.length());
            for (int i = 0; i < 200; i++) {
                int at = random.nextInt(text.length());
                corpus.add(text.substring(0, at) + text.substring(at + 1));
                corpus.add(text.substring(0, at));
            }
        }
        int hot = 0;
        for (String text : corpus) {
            Object strict = outcome(() -> FrameCodec.decodeStrict(text));
            assertEquals(strict, outcome(() -> FrameCodec.decode(text)), text);
            FrameCodec.Decoded d = HotFrameDecoder.decode(text);
            if (d != null) {
                hot++;
                assertEquals(strict, d.frame(), "the hot decoder took a frame the strict decoder decodes otherwise: " + text);
            }
        }
        assertTrue(corpus.size() > 3000, "corpus " + corpus.size());
        assertTrue(hot > 50, "the hot path was taken for the valid mutations too (" + hot + ")");
    }

    @Test
    void ackAndReceiptAreWrittenAsTheTreeWritesThem() {
        Random random = new Random(7);
        List<String> strings = new ArrayList<>(List.of("", "s-1", "quote\"back\\slash", "tab\tnl\ncr\r", "ctl\u0001\u001F\u007f", "é 😀 \u2028",
                "</script>", "msg_" + "ab".repeat(12)));
        for (int i = 0; i < 200; i++) {
            StringBuilder b = new StringBuilder();
            for (int j = random.nextInt(12); j > 0; j--) b.append((char) random.nextInt(0x3000));
            strings.add(b.toString());
        }
        strings.add(null);
        for (int i = 0; i < strings.size(); i++) {
            String a = strings.get(i), b = strings.get((i * 7 + 3) % strings.size()), c = strings.get((i * 13 + 5) % strings.size());
            for (Frame f : List.of(new Frames.Ack(a, b, c, "accepted"), new Frames.Ack(null, b, c, a),
                    new Frames.Receipt(a, b, c, TestVectors.BOB_PUB, 1767225600000L + i), new Frames.Receipt(null, null, null, a, i))) {
                String direct = HotFrameEncoder.encode(f);
                assertEquals(FrameCodec.encodeTree(f), direct);
                assertEquals(f, FrameCodec.decode(direct));
            }
        }
        assertNull(HotFrameEncoder.encode(new Frames.ClientAck("m", null, null)), "other frames go through the tree");
    }

    @Test
    void everyChannelAndPriorityIsKnownToTheHotDecoder() {
        for (Channel c : Channel.values()) {
            Envelope e = new Envelope(2, c, TestVectors.BOB_PUB, TestVectors.ALICE_PUB, new Body("n", "c", 1),
                    Meta.of("c1", Priority.NOW, 1L), "s");
            String text = FrameCodec.encodeTree(new Frames.Send("1", TestVectors.BOB_PUB, e));
            assertEquals(c, ((Frames.Send) HotFrameDecoder.decode(text).frame()).envelope().channel());
        }
        for (Priority p : Priority.values()) {
            Envelope e = new Envelope(2, Channel.DM, TestVectors.BOB_PUB, TestVectors.ALICE_PUB, new Body("n", "c", 1),
                    Meta.of("c1", p, 1L), "s");
            String text = FrameCodec.encodeTree(new Frames.Send("1", TestVectors.BOB_PUB, e));
            assertEquals(p, ((Frames.Send) HotFrameDecoder.decode(text).frame()).envelope().meta().priority());
        }
    }

    /** The frame, or the refusal's code and message. */
    private static Object outcome(java.util.function.Supplier<Frame> decode) {
        try {
            return decode.get();
        } catch (ProtocolException e) {
            return e.code() + ": " + e.getMessage();
        }
    }

    private static List<JsonNode> replacements() {
        return List.of(F.nullNode(), F.textNode("x"), F.textNode(""), F.numberNode(7), F.numberNode(-1), F.numberNode(2.5),
                F.numberNode(new BigInteger("9223372036854775808")), F.numberNode(4294967296L), F.booleanNode(true),
                F.arrayNode(), F.arrayNode().add("a"), F.arrayNode().add(F.nullNode()), F.objectNode(), F.textNode("now"),
                F.textNode("dm"));
    }

    private static JsonNode readTree(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Paths (keys and indexes) of every value in {@code node}. */
    private static List<List<Object>> paths(JsonNode node, List<Object> prefix) {
        List<List<Object>> out = new ArrayList<>();
        if (node.isObject()) {
            node.fieldNames().forEachRemaining(k -> {
                List<Object> p = new ArrayList<>(prefix);
                p.add(k);
                out.add(p);
                out.addAll(paths(node.get(k), p));
            });
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                List<Object> p = new ArrayList<>(prefix);
                p.add(i);
                out.add(p);
                out.addAll(paths(node.get(i), p));
            }
        }
        return out;
    }

    private static List<ObjectNode> objects(JsonNode node) {
        List<ObjectNode> out = new ArrayList<>();
        if (node instanceof ObjectNode o) out.add(o);
        node.elements().forEachRemaining(e -> out.addAll(objects(e)));
        return out;
    }

    private static JsonNode with(JsonNode root, List<Object> path, JsonNode value) {
        JsonNode copy = root.deepCopy();
        JsonNode parent = copy;
        for (int i = 0; i < path.size() - 1; i++) parent = path.get(i) instanceof String k ? parent.get(k) : parent.get((Integer) path.get(i));
        Object last = path.get(path.size() - 1);
        if (last instanceof String k) ((ObjectNode) parent).set(k, value);
        else ((ArrayNode) parent).set((Integer) last, value);
        return copy;
    }

    private static JsonNode without(JsonNode root, List<Object> path) {
        JsonNode copy = root.deepCopy();
        JsonNode parent = copy;
        for (int i = 0; i < path.size() - 1; i++) parent = path.get(i) instanceof String k ? parent.get(k) : parent.get((Integer) path.get(i));
        Object last = path.get(path.size() - 1);
        if (last instanceof String k) ((ObjectNode) parent).remove(k);
        else ((ArrayNode) parent).remove((int) (Integer) last);
        return copy;
    }
}
