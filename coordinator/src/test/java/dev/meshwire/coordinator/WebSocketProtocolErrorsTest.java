package dev.meshwire.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * RFC 6455 violations from a client fail the connection with the status the RFC names — 1002 for framing errors,
 * 1007 for a text message that is not UTF-8 — and only a real over-size frame gets 1009 (with
 * {@code error frame_too_large} first). A hand-written client sends the bytes no library would.
 */
class WebSocketProtocolErrorsTest {
    static final long MAX = 16 * 1024;
    static final byte[] PING_JSON = "{\"type\":\"ping\",\"id\":\"p\"}".getBytes(StandardCharsets.UTF_8);
    static CoordinatorFixture fx;

    @BeforeAll
    static void start() throws Exception {
        fx = new CoordinatorFixture(c -> c.withMaxFrameBytes(MAX));
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    /** What the coordinator sent after the challenge, up to and including its close frame. */
    private record Outcome(List<String> texts, int closeCode, String closeReason) {}

    private interface Violation {
        void send(RawWebSocket ws) throws Exception;
    }

    private static Outcome afterViolation(Violation v) throws Exception {
        try (RawWebSocket ws = RawWebSocket.upgraded(null, fx.port())) {
            RawWebSocket.Frame challenge = ws.readFrame();
            assertTrue(challenge.text().contains("\"challenge\""), challenge.text());
            v.send(ws);
            List<String> texts = new ArrayList<>();
            while (true) {
                RawWebSocket.Frame f = ws.readFrame();
                if (f.opcode() == 0x1) {
                    texts.add(f.text());
                } else if (f.opcode() == 0x8) {
                    String reason = new String(f.payload(), 2, Math.max(0, f.payload().length - 2), StandardCharsets.UTF_8);
                    // The coordinator ends the TCP connection itself (its close handshake waits at most 2 s for our answer).
                    assertTrue(ws.awaitEof(), "the coordinator kept the connection open after its close frame");
                    return new Outcome(texts, f.closeCode(), reason);
                }
            }
        }
    }

    private static void assertProtocolError(Outcome o, int code) throws Exception {
        assertEquals(code, o.closeCode(), "close " + o.closeCode() + " (" + o.closeReason() + ")");
        assertTrue(o.texts().isEmpty(), "nothing but the close frame may follow a broken frame: " + o.texts());
        assertCounted(code);
    }

    private static void assertCounted(int code) throws Exception {
        String metrics = fx.get("/metrics").text();
        assertTrue(metrics.contains("meshwire_closes_total{code=\"" + code + "\"}"), code + " missing in\n" + metrics);
    }

    @Test
    void unmaskedClientFrameIs1002() throws Exception {
        assertProtocolError(afterViolation(ws -> ws.writeFrame(0x81, false, PING_JSON)), 1002);
    }

    @Test
    void reservedBitIs1002() throws Exception {
        assertProtocolError(afterViolation(ws -> ws.writeFrame(0x80 | 0x40 | 0x1, true, PING_JSON)), 1002); // RSV1
        assertProtocolError(afterViolation(ws -> ws.writeFrame(0x80 | 0x10 | 0x1, true, PING_JSON)), 1002); // RSV3
    }

    @Test
    void unknownOpcodeIs1002() throws Exception {
        assertProtocolError(afterViolation(ws -> ws.writeFrame(0x80 | 0x3, true, PING_JSON)), 1002);
        assertProtocolError(afterViolation(ws -> ws.writeFrame(0x80 | 0xB, true, new byte[0])), 1002);
    }

    @Test
    void controlFrameOver125BytesIs1002() throws Exception {
        assertProtocolError(afterViolation(ws -> ws.writeFrame(0x80 | 0x9, true, new byte[126])), 1002);
    }

    @Test
    void fragmentedControlFrameIs1002() throws Exception {
        assertProtocolError(afterViolation(ws -> ws.writeFrame(0x9, true, new byte[4])), 1002); // ping without FIN
    }

    @Test
    void invalidUtf8TextIs1007() throws Exception {
        byte[] bad = "{\"type\":\"ping\",\"id\":\"\u0000\"}".getBytes(StandardCharsets.UTF_8);
        bad[bad.length - 3] = (byte) 0xC3; // a lead byte ...
        bad[bad.length - 2] = (byte) 0x28; // ... followed by a non-continuation byte
        assertProtocolError(afterViolation(ws -> ws.writeFrame(0x81, true, bad)), 1007);
        // split across fragments: the validator follows the message, not the frame
        assertProtocolError(afterViolation(ws -> {
            ws.writeFrame(0x01, true, new byte[] {'{', (byte) 0xE2, (byte) 0x82});
            ws.writeFrame(0x80, true, new byte[] {(byte) 0x41, '}'});
        }), 1007);
        // an all-ASCII first fragment does not let the rest of its message skip the check (AsciiFastUtf8Validator)
        assertProtocolError(afterViolation(ws -> {
            ws.writeFrame(0x01, true, "{\"type\":\"ping\",\"id\":\"".getBytes(StandardCharsets.US_ASCII));
            ws.writeFrame(0x80, true, new byte[] {(byte) 0xC3, 0x28, '"', '}'});
        }), 1007);
    }

    @Test
    void overSizeFrameIs1009WithFrameTooLarge() throws Exception {
        // Only the header of a 10 MiB frame: the decoder refuses it from the declared length.
        Outcome o = afterViolation(ws -> ws.writeFrame(0x81, true, new byte[0], 10L * 1024 * 1024));
        assertEquals(1009, o.closeCode(), o.closeReason());
        assertEquals(1, o.texts().size(), o.texts().toString());
        assertTrue(o.texts().get(0).contains("\"frame_too_large\""), o.texts().get(0));
        assertCounted(1009);
    }

    @Test
    void validUtf8AndWellFormedFramesStillWork() throws Exception {
        try (RawWebSocket ws = RawWebSocket.upgraded(null, fx.port())) {
            ws.readFrame(); // challenge
            ws.writeFrame(0x89, true, "still-here".getBytes(StandardCharsets.UTF_8)); // a ping of 10 bytes
            RawWebSocket.Frame pong = ws.readFrame();
            assertEquals(0xA, pong.opcode());
            assertEquals("still-here", pong.text());
            // multi-byte UTF-8 split across two fragments is fine; it is simply not a hello, so 4010
            ws.writeFrame(0x01, true, new byte[] {'{', '"', 'x', '"', ':', '"', (byte) 0xE2, (byte) 0x82});
            ws.writeFrame(0x80, true, new byte[] {(byte) 0xAC, '"', '}'});
            RawWebSocket.Frame err = ws.readFrame();
            assertTrue(err.text().contains("\"error\""), err.text());
            RawWebSocket.Frame close = ws.readFrame();
            assertEquals(4010, close.closeCode());
        }
    }
}
