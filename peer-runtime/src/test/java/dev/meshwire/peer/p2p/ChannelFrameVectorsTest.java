package dev.meshwire.peer.p2p;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.signaling.TestVectors;
import dev.meshwire.signaling.envelope.Body;
import dev.meshwire.signaling.envelope.Channel;
import dev.meshwire.signaling.envelope.Envelope;
import dev.meshwire.signaling.envelope.EnvelopeSignature;
import dev.meshwire.signaling.envelope.Meta;
import dev.meshwire.signaling.envelope.Priority;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * docs/test-vectors.md "Data-channel frames": the envelope vector as the one-chunk DATA frame meshwire writes on a
 * channel (message id 1), a ping (message id 2) and the ACK of message 1, byte for byte; and each decodes back.
 */
class ChannelFrameVectorsTest {
    static final String ENVELOPE_JSON = "{\"v\":2,\"channel\":\"dm\",\"target\":\"" + TestVectors.BOB_PUB + "\",\"from\":\"" + TestVectors.ALICE_PUB
            + "\",\"body\":{\"nonce\":\"AAECAwQFBgcICQoLDA0ODxAREhMUFRYX\",\"ciphertext\":\"IlZ0XB6il+zJ/iKnUBfFuB/ECreXysM4QA==\",\"bodyVersion\":1},"
            + "\"meta\":{\"clientMessageId\":\"cmid-0001\",\"priority\":\"now\",\"createdAt\":1767225600000},\"signature\":\"" + TestVectors.ENVELOPE_SIG + "\"}";
    static final String ENVELOPE_HEADER = "01010000000000000001000000000000000100000205";
    static final String PING_FRAME = "01010000000000000002000000000000000100000009010000000000000001";
    static final String ACK_FRAME = "01020000000000000001";
    /** ACKS of messages 1, 2 and 3 in one frame (docs/p2p.md "Framing on the channel"; to peers declaring ack_groups). */
    static final String ACKS_FRAME = "01030003000000000000000100000000000000020000000000000003";
    /** Two pings (counters 1 and 2) in one BUNDLE frame, message id 4 (to peers declaring data_bundles). */
    static final String BUNDLE_FRAME = "0104000000000000000400020000000901000000000000000100000009010000000000000002";
    static final HexFormat HEX = HexFormat.of();
    /** The binary form (docs/p2p.md "Binary envelopes"): prefix, header = ENVELOPE_JSON with an empty ciphertext, raw bytes. */
    static final String BINARY_PREFIX = "02000001e1";
    static final String BINARY_HEADER_JSON = ENVELOPE_JSON.replace("\"ciphertext\":\"IlZ0XB6il+zJ/iKnUBfFuB/ECreXysM4QA==\"", "\"ciphertext\":\"\"");
    static final String BINARY_CIPHERTEXT = "2256745c1ea297ecc9fe22a75017c5b81fc40ab797cac33840";

    @Test
    void theEnvelopeVectorAsADataFrame() throws Exception {
        Envelope env = new Envelope(Envelope.VERSION, Channel.DM, TestVectors.BOB_PUB, TestVectors.ALICE_PUB,
                new Body(TestVectors.BOX_NONCE_B64, TestVectors.BOX_CIPHERTEXT_B64, Body.TEXT_V1),
                Meta.of("cmid-0001", Priority.NOW, 1767225600000L), TestVectors.ENVELOPE_SIG);
        assertTrue(EnvelopeSignature.verify(env));
        byte[] payload = ChannelPayload.envelope(env);
        assertEquals(ENVELOPE_JSON, new String(payload, StandardCharsets.UTF_8));
        assertEquals(517, payload.length);

        byte[] frame = ChannelFraming.encodeChunk(1, payload, 0, ChannelFraming.MAX_FRAME_BYTES);
        assertEquals(ENVELOPE_HEADER, HEX.formatHex(Arrays.copyOf(frame, ChannelFraming.DATA_HEADER_BYTES)));
        assertArrayEquals(payload, Arrays.copyOfRange(frame, ChannelFraming.DATA_HEADER_BYTES, frame.length));
        assertEquals(env, ChannelPayload.decodeEnvelope(payload));
    }

    /** docs/test-vectors.md shows exactly these bytes. */
    @Test
    void theDocumentShowsTheseFrames() throws Exception {
        String doc = java.nio.file.Files.readString(java.nio.file.Path.of("..", "docs", "test-vectors.md"));
        for (String v : java.util.List.of(ENVELOPE_JSON, ENVELOPE_HEADER, PING_FRAME, ACK_FRAME, ACKS_FRAME, BUNDLE_FRAME, BINARY_PREFIX, BINARY_HEADER_JSON, BINARY_CIPHERTEXT)) {
            assertTrue(doc.contains(v), "docs/test-vectors.md lacks " + v);
        }
    }

    @Test
    void aPingFrameAndAnAck() {
        byte[] ping = ChannelPayload.ping(1);
        assertTrue(ChannelPayload.isPing(ping));
        assertEquals(PING_FRAME, HEX.formatHex(ChannelFraming.encodeChunk(2, ping, 0, ChannelFraming.MAX_FRAME_BYTES)));
        assertEquals(ACK_FRAME, HEX.formatHex(ChannelFraming.encodeAck(1)));
    }

    @Test
    void anAcksFrameOfThreeMessages() throws Exception {
        assertEquals(ACKS_FRAME, HEX.formatHex(ChannelFraming.encodeAcks(new long[] {1, 2, 3}, 0, 3)));
        ChannelFraming.AcksFrame f = (ChannelFraming.AcksFrame) ChannelFraming.decode(HEX.parseHex(ACKS_FRAME));
        assertArrayEquals(new long[] {1, 2, 3}, f.messageIds());
    }

    @Test
    void aBundleOfTwoPings() throws Exception {
        byte[] frame = ChannelFraming.encodeBundle(4, java.util.List.of(ChannelPayload.ping(1), ChannelPayload.ping(2)));
        assertEquals(BUNDLE_FRAME, HEX.formatHex(frame));
        ChannelFraming.Bundle b = (ChannelFraming.Bundle) ChannelFraming.decode(frame);
        assertEquals(4, b.messageId());
        assertArrayEquals(ChannelPayload.ping(1), b.messages().get(0));
        assertArrayEquals(ChannelPayload.ping(2), b.messages().get(1));
    }

    static Envelope vectorEnvelope() {
        return new Envelope(Envelope.VERSION, Channel.DM, TestVectors.BOB_PUB, TestVectors.ALICE_PUB,
                new Body(TestVectors.BOX_NONCE_B64, TestVectors.BOX_CIPHERTEXT_B64, Body.TEXT_V1),
                Meta.of("cmid-0001", Priority.NOW, 1767225600000L), TestVectors.ENVELOPE_SIG);
    }

    @Test
    void theEnvelopeVectorInItsBinaryForm() throws Exception {
        Envelope env = vectorEnvelope();
        byte[] bin = ChannelPayload.binaryEnvelope(env);
        assertEquals(511, bin.length, "25 bytes of ciphertext travel as themselves, not as 36 characters of base64");
        assertEquals(BINARY_PREFIX, HEX.formatHex(bin, 0, 5));
        assertEquals(BINARY_HEADER_JSON, new String(bin, 5, 481, StandardCharsets.UTF_8));
        assertEquals(BINARY_CIPHERTEXT, HEX.formatHex(bin, 5 + 481, bin.length));
        assertTrue(ChannelPayload.isEnvelope(bin));
        Envelope back = ChannelPayload.decodeEnvelope(bin);
        assertEquals(env, back, "the same envelope as the JSON form, ciphertext text included");
        assertTrue(EnvelopeSignature.verify(back), "one canonical signing string for both forms");
    }

    @Test
    void aBrokenBinaryEnvelopeIsRefusedWithAReason() {
        byte[] bin = ChannelPayload.binaryEnvelope(vectorEnvelope());
        String[][] cases = {
                {"02000001", "shorter than its 5-byte prefix"},
                {"02ffffffff7b7d", "header length 4294967295 does not fit"},
                {"0200000001" + "7b", "header length 1 does not fit"},
                {"02000001e1" + HEX.formatHex(bin, 5, 100), "does not fit"},
        };
        for (String[] c : cases) {
            java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                    () -> ChannelPayload.decodeEnvelope(HEX.parseHex(c[0])), c[0]);
            assertTrue(e.getMessage().contains(c[1]), e.getMessage());
        }
        // a header that carries the ciphertext text itself is not the binary form
        byte[] head = ENVELOPE_JSON.getBytes(StandardCharsets.UTF_8);
        byte[] withText = new byte[5 + head.length];
        withText[0] = ChannelPayload.BINARY_ENVELOPE;
        withText[3] = (byte) (head.length >>> 8);
        withText[4] = (byte) head.length;
        System.arraycopy(head, 0, withText, 5, head.length);
        java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () -> ChannelPayload.decodeEnvelope(withText));
        assertTrue(e.getMessage().contains("must be empty in the header"), e.getMessage());
    }

    @Test
    void aNonCanonicalCiphertextTravelsAsJson() throws Exception {
        Envelope env = vectorEnvelope();
        Envelope odd = new Envelope(env.v(), env.channel(), env.target(), env.from(),
                new Body(env.body().nonce(), "IlZ0XB6il+zJ/iKnUBfFuB/ECreXysM4QA", Body.TEXT_V1), env.meta(), env.signature());
        byte[] b = ChannelPayload.binaryEnvelope(odd);
        assertEquals('{', b[0], "unpadded base64 cannot be restored byte for byte: the JSON form is sent");
        assertEquals(odd, ChannelPayload.decodeEnvelope(b));
    }
}
