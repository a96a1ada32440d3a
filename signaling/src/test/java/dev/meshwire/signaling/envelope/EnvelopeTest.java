package dev.meshwire.signaling.envelope;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.signaling.Json;
import dev.meshwire.signaling.TestVectors;
import dev.meshwire.signaling.crypto.Identity;
import java.util.List;
import org.junit.jupiter.api.Test;

class EnvelopeTest {
    private final Identity alice = TestVectors.alice();

    private Envelope vectorEnvelope() {
        return new Envelope(2, Channel.DM, TestVectors.BOB_PUB, TestVectors.ALICE_PUB,
                new Body(TestVectors.BOX_NONCE_B64, TestVectors.BOX_CIPHERTEXT_B64, 1),
                Meta.of("cmid-0001", Priority.NOW, 1767225600000L), null);
    }

    @Test
    void canonicalFormAndSignatureMatchVectors() {
        Envelope e = vectorEnvelope();
        assertEquals(TestVectors.ENVELOPE_CANONICAL, EnvelopeSignature.canonical(e));
        Envelope signed = EnvelopeSignature.sign(e, alice);
        assertEquals(TestVectors.ENVELOPE_SIG, signed.signature());
        assertTrue(EnvelopeSignature.verify(signed));
    }

    @Test
    void anyChangedFieldBreaksTheSignature() {
        Envelope s = EnvelopeSignature.sign(vectorEnvelope(), alice);
        assertFalse(EnvelopeSignature.verify(new Envelope(2, Channel.GROUP, s.target(), s.from(), s.body(), s.meta(), s.signature())));
        assertFalse(EnvelopeSignature.verify(new Envelope(2, s.channel(), TestVectors.ALICE_PUB, s.from(), s.body(), s.meta(), s.signature())));
        assertFalse(EnvelopeSignature.verify(new Envelope(2, s.channel(), s.target(), s.from(),
                new Body(s.body().nonce(), s.body().ciphertext(), 2), s.meta(), s.signature())));
        assertFalse(EnvelopeSignature.verify(new Envelope(2, s.channel(), s.target(), s.from(), s.body(),
                Meta.of("cmid-0002", Priority.NOW, 1767225600000L), s.signature())));
        assertFalse(EnvelopeSignature.verify(new Envelope(2, s.channel(), s.target(), s.from(), s.body(),
                Meta.of("cmid-0001", Priority.LOW, 1767225600000L), s.signature())));
        assertFalse(EnvelopeSignature.verify(s.withSignature(null)));
    }

    /**
     * Issue 16 fuzz finding: an envelope off the wire without a channel, body or meta made verify throw
     * NullPointerException; now it does not verify, and canonical names the missing part.
     */
    @Test
    void anIncompleteEnvelopeDoesNotVerifyAndCanonicalNamesWhatIsMissing() throws Exception {
        Envelope s = EnvelopeSignature.sign(vectorEnvelope(), alice);
        Body b = s.body();
        List<Envelope> incomplete = List.of(
                new Envelope(2, null, s.target(), s.from(), b, s.meta(), s.signature()),
                new Envelope(2, s.channel(), null, s.from(), b, s.meta(), s.signature()),
                new Envelope(2, s.channel(), s.target(), null, b, s.meta(), s.signature()),
                new Envelope(2, s.channel(), s.target(), s.from(), null, s.meta(), s.signature()),
                new Envelope(2, s.channel(), s.target(), s.from(), new Body(null, b.ciphertext(), 1), s.meta(), s.signature()),
                new Envelope(2, s.channel(), s.target(), s.from(), new Body(b.nonce(), null, 1), s.meta(), s.signature()),
                new Envelope(2, s.channel(), s.target(), s.from(), b, null, s.signature()));
        List<String> parts = List.of("channel", "target", "from", "body", "body.nonce", "body.ciphertext", "meta");
        for (int i = 0; i < incomplete.size(); i++) {
            Envelope e = incomplete.get(i);
            assertFalse(EnvelopeSignature.verify(e), parts.get(i));
            assertEquals(parts.get(i), EnvelopeSignature.missing(e));
            IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> EnvelopeSignature.canonical(e));
            assertEquals("envelope has no '" + parts.get(i) + "' to sign", ex.getMessage());
        }
        // the minimized fuzz input: an envelope object with only a version and a signature
        Envelope wire = Json.MAPPER.readValue("{\"v\":2,\"signature\":\"\"}", Envelope.class);
        assertFalse(EnvelopeSignature.verify(wire));
        assertNull(EnvelopeSignature.missing(s));
    }

    @Test
    void onlyTheSenderMaySign() {
        assertThrows(IllegalArgumentException.class, () -> EnvelopeSignature.sign(vectorEnvelope(), TestVectors.bob()));
    }

    @Test
    void jsonRoundTripKeepsTheSignatureValid() throws Exception {
        Envelope s = EnvelopeSignature.sign(vectorEnvelope(), alice);
        String json = Json.MAPPER.writeValueAsString(s);
        JsonNode tree = Json.MAPPER.readTree(json);
        assertEquals("dm", tree.get("channel").asText());
        assertEquals("now", tree.at("/meta/priority").asText());
        assertFalse(tree.get("meta").has("replyToId"), "absent meta fields are omitted");
        Envelope back = Json.MAPPER.readValue(json, Envelope.class);
        assertEquals(s, back);
        assertTrue(EnvelopeSignature.verify(back));
    }

    @Test
    void canonicalJsonFollowsRfc8785ForStringsKeysAndIntegers() throws Exception {
        JsonNode n = Json.MAPPER.readTree("{\"b\":[1,true,null,\"x\"],\"a\":\"\\u0001\\n\\\"é€\",\"\\u00e9\":0,\"A\":-5}");
        // Keys sorted by UTF-16 code unit: "A" < "a" < "b" < "é"; control characters escaped as ECMAScript does.
        assertEquals("{\"A\":-5,\"a\":\"\\u0001\\n\\\"é€\",\"b\":[1,true,null,\"x\"],\"é\":0}", CanonicalJson.write(n));
        assertThrows(IllegalArgumentException.class, () -> CanonicalJson.write(Json.MAPPER.readTree("{\"f\":1.5}")));
    }

    @Test
    void metaCanonicalFormIsIndependentOfFieldOrder() {
        Meta m = new Meta("id", null, Priority.LOW, null, null, null, null, null, null, "r1", List.of("p1", "p2"), 99L, 1L);
        assertEquals("{\"clientMessageId\":\"id\",\"createdAt\":1,\"expiresAt\":99,\"mentions\":[\"p1\",\"p2\"],\"priority\":\"low\",\"replyToId\":\"r1\"}",
                CanonicalJson.write(Json.MAPPER.valueToTree(m)));
    }

    /** The direct canonical(meta) the signed string uses is the RFC 8785 writer's text of the meta's JSON tree, for every key. */
    @Test
    void directCanonicalMetaIsTheTreeForm() {
        java.util.Random random = new java.util.Random(11);
        List<String> strings = new java.util.ArrayList<>(List.of("", "cmid-\"0001\"", "quote\"back\\slash", "tab\tnl\ncr\r",
                "ctl\u0001\u001F\u007f", "é 😀 \u2028", "lk:alice"));
        for (int i = 0; i < 100; i++) {
            StringBuilder b = new StringBuilder();
            for (int j = random.nextInt(10); j > 0; j--) b.append((char) random.nextInt(0xD800));
            strings.add(b.toString());
        }
        for (int i = 0; i < 400; i++) {
            java.util.function.Supplier<String> str = () -> random.nextInt(3) == 0 ? null : strings.get(random.nextInt(strings.size()));
            java.util.function.Supplier<Long> num = () -> random.nextInt(3) == 0 ? null : random.nextLong() >>> random.nextInt(64);
            java.util.function.Supplier<Boolean> bool = () -> random.nextInt(3) == 0 ? null : random.nextBoolean();
            List<String> mentions = random.nextInt(3) == 0 ? null : java.util.stream.IntStream.range(0, random.nextInt(4))
                    .mapToObj(k -> strings.get(random.nextInt(strings.size()))).toList();
            Priority priority = random.nextInt(4) == 0 ? null : Priority.values()[random.nextInt(3)];
            Meta m = new Meta(str.get(), str.get(), priority, num.get(), str.get(), num.get(), bool.get(), str.get(), bool.get(),
                    str.get(), mentions, num.get(), num.get(), str.get());
            assertEquals(CanonicalJson.write(Json.MAPPER.valueToTree(m)), EnvelopeSignature.canonicalMeta(m), m.toString());
        }
        assertEquals("{}", EnvelopeSignature.canonicalMeta(new Meta(null, null, null, null, null, null, null, null, null, null, null, null, null)));
    }

    @Test
    void unknownChannelOrPriorityIsRefused() {
        assertThrows(Exception.class, () -> Json.MAPPER.readValue("\"carrier-pigeon\"", Channel.class));
        assertThrows(IllegalArgumentException.class, () -> Priority.fromWire("urgent"));
    }
}
