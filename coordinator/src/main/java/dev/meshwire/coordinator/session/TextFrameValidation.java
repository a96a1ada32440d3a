package dev.meshwire.coordinator.session;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.http.WebSocketInternal;

/**
 * RFC 6455 §8.1: a text message that is not valid UTF-8 fails the connection with 1007. Vert.x decodes text
 * leniently (invalid bytes become U+FFFD), so Netty's validator goes into the WebSocket's pipeline, just before
 * Vert.x's handler (after any decompression). It throws a {@code CorruptedWebSocketFrameException} with status
 * 1007, which {@code Session.onTransportError} turns into the close.
 */
final class TextFrameValidation {
    static final String NAME = "meshwire-utf8-validator";
    /** The name Vert.x gives its connection handler in every pipeline. */
    private static final String VERTX_HANDLER = "handler";

    private TextFrameValidation() {}

    static void install(ServerWebSocket ws) {
        if (!(ws instanceof WebSocketInternal internal)) {
            throw new IllegalStateException("Vert.x changed: a server WebSocket no longer exposes its channel, so UTF-8 validation cannot be installed");
        }
        ChannelPipeline pipeline = internal.channelHandlerContext().pipeline();
        if (pipeline.get(NAME) == null && pipeline.get(VERTX_HANDLER) != null) {
            pipeline.addBefore(VERTX_HANDLER, NAME, new Utf8FrameValidator(false));
        }
    }
}
