package dev.meshwire.coordinator.session;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

/**
 * Netty's {@link Utf8FrameValidator} with a fast path for the frames the coordinator gets by the thousand: a whole
 * text message in one frame whose bytes are all ASCII is valid UTF-8 by definition, so it is checked eight bytes at a
 * time instead of through the validator's byte-by-byte state machine (the relay's {@code send}: ~1.6 KB of JSON
 * with a base64 ciphertext). Every other frame — non-ASCII text, a fragmented message, anything after a fragment
 * started — goes through Netty's validator unchanged, so invalid UTF-8 still fails the connection with 1007 and the
 * same {@code CorruptedWebSocketFrameException} (docs/protocol.md §1; WebSocketProtocolErrorsTest).
 *
 * <p>Skipping the validator for such a frame leaves its state as the validator itself would: a final text frame
 * that starts no fragmented message resets it, and the WebSocket decoder refuses a new data frame inside a
 * fragmented message before it gets here. The fast path additionally requires that no fragmented message is open.
 */
final class AsciiFastUtf8Validator extends Utf8FrameValidator {
    /** A data frame without FIN went through and its final continuation has not yet: the validator owns the message. */
    private boolean fragmented;

    AsciiFastUtf8Validator() {
        super(false);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof WebSocketFrame frame && !isControl(frame)) {
            if (!fragmented && frame.isFinalFragment() && frame instanceof TextWebSocketFrame && isAscii(frame.content())) {
                ctx.fireChannelRead(msg);
                return;
            }
            fragmented = !frame.isFinalFragment();
        }
        super.channelRead(ctx, msg);
    }

    private static boolean isControl(WebSocketFrame frame) {
        return frame instanceof CloseWebSocketFrame || frame instanceof PingWebSocketFrame || frame instanceof PongWebSocketFrame;
    }

    /** True when no readable byte of {@code buf} has its high bit set. */
    static boolean isAscii(ByteBuf buf) {
        int i = buf.readerIndex();
        int end = buf.writerIndex();
        long high = 0;
        for (; i + Long.BYTES <= end; i += Long.BYTES) high |= buf.getLong(i);
        for (; i < end; i++) high |= buf.getByte(i);
        return (high & 0x8080808080808080L) == 0;
    }
}
