package dev.meshwire.coordinator.http;

import io.netty.channel.Channel;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.impl.HttpServerConnection;

/**
 * The Netty channel under a Vert.x server connection. Vert.x has no public API for it; admission needs it to close
 * a WebSocket without a closing handshake and the RFC 6455 checks to add a pipeline handler. Pinned to Vert.x
 * 5.0.x; {@code AdmissionTest} and {@code WebSocketProtocolErrorsTest} fail if it stops working.
 */
public final class NettyChannels {
    private NettyChannels() {}

    public static Channel of(HttpConnection conn) {
        if (conn instanceof HttpServerConnection server) return server.channelHandlerContext().channel();
        throw new IllegalStateException("not a Vert.x HTTP/1.x server connection: " + conn.getClass().getName());
    }
}
