package dev.meshwire.coordinator.session;

import dev.meshwire.coordinator.http.NettyChannels;
import io.netty.channel.ChannelPipeline;
import io.vertx.core.http.HttpConnection;

/**
 * RFC 6455 §8.1: a text message that is not valid UTF-8 fails the connection with 1007. Vert.x decodes text
 * leniently (invalid bytes become U+FFFD), so Netty's validator ({@link AsciiFastUtf8Validator}: with a fast path for
 * all-ASCII single-frame messages) goes into every connection's pipeline just before
 * Vert.x's handler, where it stays through the WebSocket upgrade (the frame decoder takes the HTTP decoder's
 * place further up). It ignores anything but WebSocket frames, and throws a {@code CorruptedWebSocketFrameException}
 * with status 1007 that {@code Session.onTransportError} turns into the close.
 */
public final class TextFrameValidation {
    static final String NAME = "meshwire-utf8-validator";
    /** The name Vert.x gives its connection handler in every pipeline. */
    private static final String VERTX_HANDLER = "handler";

    private TextFrameValidation() {}

    /** For {@code HttpServer.connectionHandler}, before any byte of the connection is read. */
    public static void install(HttpConnection conn) {
        ChannelPipeline pipeline = NettyChannels.of(conn).pipeline();
        if (pipeline.get(NAME) == null && pipeline.get(VERTX_HANDLER) != null) {
            pipeline.addBefore(VERTX_HANDLER, NAME, new AsciiFastUtf8Validator());
        }
    }
}
