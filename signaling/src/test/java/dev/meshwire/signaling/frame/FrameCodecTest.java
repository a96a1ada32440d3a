package dev.meshwire.signaling.frame;

import static org.junit.jupiter.api.Assertions.*;

import dev.meshwire.signaling.TestVectors;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameCodecTest {

    @Test
    void everyFrameTypeRoundTrips() {
        Frames.Capabilities caps = new Frames.Capabilities(true, 1 << 20, List.of("relay"));
        Frames.PeerInfo peer = new Frames.PeerInfo(TestVectors.BOB_PUB, "bob", "member", true, 1000L, caps);
        List<Frame> frames = new ArrayList<>(FrameSamples.all());
        // optional fields absent
        frames.add(new Frames.Hello("1", "m_1", TestVectors.ALICE_PUB, caps, "sig"));
        frames.add(new Frames.HelloAck("1", "m_1", "team", peer, List.of(peer),
                List.of(new Frames.IceServer(List.of("stun:127.0.0.1:3478"), null, null)), 1 << 20, 30000));
        frames.add(new Frames.P2pAnswer(null, null, TestVectors.ALICE_PUB, "ab".repeat(16), "v=0\r\n", "sig"));
        frames.add(new Frames.P2pCandidate(null, null, TestVectors.BOB_PUB, "ab".repeat(16), "0", 0, "candidate:1 1 udp 1 10.0.0.1 5000 typ host"));
        for (Frame f : frames) {
            String text = FrameCodec.encode(f);
            assertTrue(text.contains("\"type\":\"" + f.type() + "\""), text);
            assertEquals(f, FrameCodec.decode(text), f.type());
        }
        assertEquals(Frame.class.getAnnotation(JsonSubTypes.class).value().length, frames.stream().map(Frame::type).distinct().count(),
                "one test case per frame type");
    }

    @Test
    void p2pSignalsGetTheirOriginFromTheCoordinator() {
        Frames.P2pSignal fromClient = (Frames.P2pSignal) FrameCodec.decode(
                "{\"type\":\"p2p_close\",\"to\":\"" + TestVectors.BOB_PUB + "\",\"sessionId\":\"s\",\"reason\":\"bye\"}");
        assertNull(fromClient.from());
        Frames.P2pSignal forwarded = fromClient.withOrigin("m_1", TestVectors.ALICE_PUB);
        assertEquals(TestVectors.ALICE_PUB, forwarded.from());
        assertEquals("m_1", forwarded.mesh());
        assertEquals(fromClient.to(), forwarded.to());
    }

    @Test
    void malformedJsonIsNamed() {
        ProtocolException e = assertThrows(ProtocolException.class, () -> FrameCodec.decode("{\"type\":"));
        assertEquals(ErrorCode.MALFORMED_JSON, e.code());
        assertEquals(ErrorCode.MALFORMED_JSON, assertThrows(ProtocolException.class, () -> FrameCodec.decode("[1,2]")).code());
        assertEquals(ErrorCode.MALFORMED_JSON, assertThrows(ProtocolException.class, () -> FrameCodec.decode("{} {}")).code());
    }

    @Test
    void unknownOrMissingTypeIsNamed() {
        ProtocolException e = assertThrows(ProtocolException.class, () -> FrameCodec.decode("{\"type\":\"teleport\"}"));
        assertEquals(ErrorCode.UNKNOWN_FRAME_TYPE, e.code());
        assertTrue(e.getMessage().contains("teleport"));
        assertEquals(ErrorCode.INVALID_FRAME, assertThrows(ProtocolException.class, () -> FrameCodec.decode("{\"id\":\"1\"}")).code());
        assertEquals(ErrorCode.INVALID_FRAME, assertThrows(ProtocolException.class, () -> FrameCodec.decode("{\"type\":7}")).code());
    }

    @Test
    void wrongFieldTypesAreInvalidFrames() {
        ProtocolException e = assertThrows(ProtocolException.class,
                () -> FrameCodec.decode("{\"type\":\"send\",\"id\":\"1\",\"to\":\"x\",\"envelope\":{\"v\":\"two\"}}"));
        assertEquals(ErrorCode.INVALID_FRAME, e.code());
        assertTrue(e.getMessage().contains("envelope"), e.getMessage());
        ProtocolException ch = assertThrows(ProtocolException.class,
                () -> FrameCodec.decode("{\"type\":\"send\",\"id\":\"1\",\"to\":\"x\",\"envelope\":{\"v\":2,\"channel\":\"fax\"}}"));
        assertEquals(ErrorCode.INVALID_FRAME, ch.code());
    }

    private static String send(String envelopeJson) {
        return "{\"type\":\"send\",\"id\":\"s1\",\"to\":\"" + TestVectors.BOB_PUB + "\",\"envelope\":" + envelopeJson + "}";
    }

    private static String envelope(String v, String bodyVersion, String meta) {
        return "{\"v\":" + v + ",\"channel\":\"dm\",\"target\":\"" + TestVectors.BOB_PUB + "\",\"from\":\"" + TestVectors.ALICE_PUB
                + "\",\"body\":{\"nonce\":\"n\",\"ciphertext\":\"c\",\"bodyVersion\":" + bodyVersion + "},\"meta\":" + meta
                + ",\"signature\":\"sig\"}";
    }

    private static void refused(String text, String expectedMessage) {
        ProtocolException e = assertThrows(ProtocolException.class, () -> FrameCodec.decode(text), text);
        assertEquals(ErrorCode.INVALID_FRAME, e.code(), e.getMessage());
        assertEquals(expectedMessage, e.getMessage());
    }

    /** Issue 17 item 2: the inputs that were coerced before are refused, each with the field and the rule. */
    @Test
    void noCoercionOfScalars() {
        String meta = "{\"clientMessageId\":\"c1\"}";
        assertInstanceOf(Frames.Send.class, FrameCodec.decode(send(envelope("2", "1", meta))));
        refused(send(envelope("\"2\"", "1", meta)), "send: field 'envelope.v' must be an integer");
        refused(send(envelope("2.5", "1", meta)), "send: field 'envelope.v' must be an integer");
        refused(send(envelope("2.0", "1", meta)), "send: field 'envelope.v' must be an integer");
        refused(send(envelope("null", "1", meta)), "send: field 'envelope.v' must be an integer, not null");
        refused(send(envelope("2", "\"1\"", meta)), "send: field 'envelope.body.bodyVersion' must be an integer");
        refused(send(envelope("2", "1", "{\"clientMessageId\":\"c1\",\"createdAt\":\"1700000000000\"}")),
                "send: field 'envelope.meta.createdAt' must be an integer");
        refused(send(envelope("2", "1", "{\"clientMessageId\":\"c1\",\"expiresAt\":1700000000000.5}")),
                "send: field 'envelope.meta.expiresAt' must be an integer");
        refused(send(envelope("2", "1", "{\"clientMessageId\":7}")), "send: field 'envelope.meta.clientMessageId' must be a string");
        refused(send(envelope("2", "1", "{\"clientMessageId\":\"c1\",\"streamTerminator\":\"true\"}")),
                "send: field 'envelope.meta.streamTerminator' must be a boolean (true or false)");
        refused(send(envelope("2", "1", "{\"clientMessageId\":\"c1\",\"mentions\":[\"a\",3]}")),
                "send: field 'envelope.meta.mentions[1]' must be a string");
        refused(send(envelope("2", "1", "{\"clientMessageId\":\"c1\",\"priority\":\"urgent\"}")),
                "send: field 'envelope.meta.priority' must be one of now, next, low");
        refused(send(envelope("2", "1", "[]")), "send: field 'envelope.meta' must be an object");

        String cand = "{\"type\":\"p2p_candidate\",\"to\":\"" + TestVectors.BOB_PUB + "\",\"sessionId\":\"" + "ab".repeat(16)
                + "\",\"mid\":\"0\",\"candidate\":\"candidate:1 1 udp 1 10.0.0.1 5000 typ host\",\"mLineIndex\":";
        assertEquals(5, ((Frames.P2pCandidate) FrameCodec.decode(cand + "5}")).mLineIndex());
        refused(cand + "\"5\"}", "p2p_candidate: field 'mLineIndex' must be an integer");
        refused(cand + "5.5}", "p2p_candidate: field 'mLineIndex' must be an integer");
        refused(cand + "4294967296}", "p2p_candidate: field 'mLineIndex' must be an integer from -2147483648 to 2147483647");
        refused(cand.replace(",\"mLineIndex\":", "") + "}", "p2p_candidate: field 'mLineIndex' is required and must be an integer");
        refused("{\"type\":\"ping\",\"id\":5}", "ping: field 'id' must be a string");
        refused("{\"type\":\"kick\",\"id\":\"k\",\"target\":true}", "kick: field 'target' must be a string");
        refused("{\"type\":\"set_expiry\",\"id\":\"x\",\"target\":\"bob\",\"expiresAt\":\"soon\"}",
                "set_expiry: field 'expiresAt' must be an integer");
        refused("{\"type\":\"hello\",\"id\":\"h\",\"capabilities\":{\"p2p\":1,\"maxMessageBytes\":5}}",
                "hello: field 'capabilities.p2p' must be a boolean (true or false)");
    }

    /** Issue 17 item 2: a request id is at most 64 characters; a longer one is refused and echoed cut to 64. */
    @Test
    void longRequestIdsAreRefusedAndEchoedCut() {
        String id64 = "i".repeat(64);
        assertEquals(id64, ((Frames.Ping) FrameCodec.decode("{\"type\":\"ping\",\"id\":\"" + id64 + "\"}")).id());
        String big = "x".repeat(10 * 1024);
        String text = "{\"type\":\"ping\",\"id\":\"" + big + "\"}";
        refused(text, "ping: field 'id' must be at most 64 characters (got 10240)");
        String echoed = FrameCodec.peekId(text);
        assertEquals(64, echoed.length());
        assertEquals("x".repeat(63) + "…", echoed);
        assertEquals(id64, FrameCodec.peekId("{\"type\":\"ping\",\"id\":\"" + id64 + "\"}"));
        // the cut echo is itself a valid id (the daemon decodes the coordinator's error frame with this codec)
        assertEquals(echoed, ((Frames.Error) FrameCodec.decode(FrameCodec.encode(new Frames.Error(echoed, "invalid_frame", "m")))).id());
        // a surrogate pair is not split
        String emoji = "a".repeat(62) + "\uD83D\uDE00" + "b".repeat(10);
        assertEquals("a".repeat(62) + "…", FrameCodec.truncateId(emoji));
    }

    @Test
    void duplicateKeysAreRefused() {
        ProtocolException e = assertThrows(ProtocolException.class,
                () -> FrameCodec.decode("{\"type\":\"ping\",\"id\":\"1\",\"id\":\"2\"}"));
        assertEquals(ErrorCode.MALFORMED_JSON, e.code());
        assertTrue(e.getMessage().contains("field 'id' appears twice"), e.getMessage());
    }

    @Test
    void unknownFieldsAreToleratedForForwardCompatibility() {
        Frame f = FrameCodec.decode("{\"type\":\"ping\",\"id\":\"1\",\"futureField\":true}");
        assertEquals(new Frames.Ping("1"), f);
    }

    @Test
    void peekIdRecoversTheRequestIdForErrors() {
        assertEquals("42", FrameCodec.peekId("{\"type\":\"nope\",\"id\":\"42\"}"));
        assertNull(FrameCodec.peekId("not json"));
    }

    @Test
    void closeCodesTerminality() {
        assertTrue(CloseCodes.isTerminal(CloseCodes.KICKED));
        assertTrue(CloseCodes.isTerminal(CloseCodes.BANNED));
        assertFalse(CloseCodes.isTerminal(CloseCodes.NORMAL));
        assertFalse(CloseCodes.isTerminal(CloseCodes.PROTOCOL));
    }
}
