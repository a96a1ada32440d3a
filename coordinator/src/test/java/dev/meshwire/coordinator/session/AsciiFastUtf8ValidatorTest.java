package dev.meshwire.coordinator.session;

import static org.junit.jupiter.api.Assertions.*;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The validator in a real Netty pipeline (an {@link EmbeddedChannel}): the ASCII fast path passes whole ASCII text
 * messages, and everything else — invalid UTF-8 in one frame or across fragments, even when a fragmented message
 * starts with ASCII — is still refused with status 1007 by Netty's validator (end to end: WebSocketProtocolErrorsTest).
 */
class AsciiFastUtf8ValidatorTest {
    final EmbeddedChannel ch = new EmbeddedChannel(new AsciiFastUtf8Validator());

    @AfterEach
    void close() {
        ch.finishAndReleaseAll();
    }

    @Test
    void asciiAndValidUtf8MessagesPassUnchanged() {
        String ascii = "{\"type\":\"send\",\"ct\":\"" + "QUJD".repeat(400) + "\"}";
        assertPasses(new TextWebSocketFrame(ascii), ascii);
        String multi = "{\"name\":\"Zoë — 東京 🚀\"}";
        assertPasses(new TextWebSocketFrame(multi), multi);
        assertPasses(new TextWebSocketFrame(""), "");
    }

    @Test
    void invalidUtf8InOneFrameIs1007() {
        for (byte[] bad : new byte[][] {{'{', (byte) 0xC3, 0x28, '}'}, {(byte) 0xFF}, {'a', 'b', (byte) 0xE2, (byte) 0x82}}) {
            assertRefused(new TextWebSocketFrame(Unpooled.wrappedBuffer(bad)));
        }
    }

    @Test
    void aFragmentedMessageIsFollowedAcrossAsciiFragments() {
        // An ASCII first fragment must not take the fast path's shortcut: the message is judged as a whole.
        ch.writeInbound(new TextWebSocketFrame(false, 0, Unpooled.copiedBuffer("{\"x\":\"", StandardCharsets.US_ASCII)));
        release(ch.readInbound());
        ch.writeInbound(new PingWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {1, 2}))); // control frames in between
        release(ch.readInbound());
        assertRefused(new ContinuationWebSocketFrame(true, 0, Unpooled.wrappedBuffer(new byte[] {(byte) 0xC3, '"', '}'})));
    }

    @Test
    void aCharacterSplitAcrossFragmentsIsValid() {
        ch.writeInbound(new TextWebSocketFrame(false, 0, Unpooled.wrappedBuffer(new byte[] {'"', (byte) 0xE2, (byte) 0x82})));
        release(ch.readInbound());
        ch.writeInbound(new ContinuationWebSocketFrame(true, 0, Unpooled.wrappedBuffer(new byte[] {(byte) 0xAC, '"'})));
        release(ch.readInbound());
        // then a whole ASCII message takes the fast path again
        assertPasses(new TextWebSocketFrame("{}"), "{}");
        // and a binary message is never checked as text
        ch.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {(byte) 0xFF})));
        release(ch.readInbound());
    }

    @Test
    void isAsciiLooksAtEveryReadableByte() {
        for (int len = 0; len <= 19; len++) {
            for (int at = -1; at < len; at++) {
                byte[] bytes = new byte[len + 3];
                java.util.Arrays.fill(bytes, (byte) 'a');
                bytes[0] = (byte) 0x80; // before the reader index: not readable
                bytes[len + 2] = (byte) 0xC3; // after the writer index
                if (at >= 0) bytes[1 + at] = (byte) (0x80 | at);
                ByteBuf buf = Unpooled.wrappedBuffer(bytes, 1, len);
                assertEquals(at < 0, AsciiFastUtf8Validator.isAscii(buf), "len " + len + ", high byte at " + at);
            }
        }
    }

    private void assertPasses(TextWebSocketFrame frame, String text) {
        ch.writeInbound(frame);
        TextWebSocketFrame out = ch.readInbound();
        assertNotNull(out);
        assertEquals(text, out.text());
        out.release();
    }

    private void assertRefused(WebSocketFrame frame) {
        CorruptedWebSocketFrameException e = assertThrows(CorruptedWebSocketFrameException.class, () -> ch.writeInbound(frame));
        assertEquals(1007, e.closeStatus().code());
        assertNull(ch.readInbound());
    }

    private static void release(Object frame) {
        assertNotNull(frame);
        ((WebSocketFrame) frame).release();
    }
}
