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
    static final HexFormat HEX = HexFormat.of();

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
        for (String v : java.util.List.of(ENVELOPE_JSON, ENVELOPE_HEADER, PING_FRAME, ACK_FRAME)) {
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
}
