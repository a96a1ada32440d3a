package dev.meshwire.coordinator;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A loopback TCP forwarder in front of the coordinator whose {@link #cut()} closes every forwarded connection
 * at the TCP level on both sides, with no WebSocket close frame: what the coordinator sees when a client process
 * crashes or is killed (its kernel closes the socket). Bytes are forwarded as they are; nothing is parsed.
 */
final class TcpCutter implements AutoCloseable {
    private final NetServer server;
    private final NetClient client;
    private final List<NetSocket> sockets = new CopyOnWriteArrayList<>();

    TcpCutter(Vertx vertx, int targetPort) throws Exception {
        client = vertx.createNetClient();
        server = vertx.createNetServer().connectHandler(in -> {
            in.pause();
            sockets.add(in);
            client.connect(targetPort, "127.0.0.1").onSuccess(out -> {
                sockets.add(out);
                in.handler(out::write);
                out.handler(in::write);
                in.closeHandler(v -> out.close());
                out.closeHandler(v -> in.close());
                in.resume();
            }).onFailure(e -> in.close());
        });
        server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    }

    /** The port a client connects to instead of the coordinator's. */
    int port() {
        return server.actualPort();
    }

    /** Closes every forwarded connection without a WebSocket close frame. */
    void cut() {
        for (NetSocket s : sockets) s.close();
        sockets.clear();
    }

    @Override
    public void close() throws Exception {
        cut();
        server.close().await(10, TimeUnit.SECONDS);
        client.close().await(10, TimeUnit.SECONDS);
    }
}
