package dev.meshwire.peer.ipc;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.meshwire.peer.PeerException;
import dev.meshwire.signaling.Json;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/rpc/handler?method=M[&method=M2...]}: a long-lived Server-Sent Events stream through which a local app
 * serves rpc methods (docs/ipc.md "rpc"). The registration lives as long as the stream: {@code : connected} once it is
 * registered, then one {@code call} event per request ({@code RpcHandlerCall}); the app answers each with
 * {@code POST /v1/rpc/reply}. When the stream ends, calls it had not answered are answered {@code handler_gone}.
 * Writes happen on the stream's own context, never blocking.
 */
final class RpcHandlerStreams {
    private static final Logger log = LoggerFactory.getLogger(RpcHandlerStreams.class);

    private final Vertx vertx;
    private final RpcApi rpc;

    RpcHandlerStreams(Vertx vertx, RpcApi rpc) {
        this.vertx = vertx;
        this.rpc = rpc;
    }

    void serve(RoutingContext ctx) {
        HttpServerResponse res = ctx.response();
        List<String> methods = ctx.queryParam("method");
        Context context = vertx.getOrCreateContext();
        AutoCloseable registration;
        try {
            registration = rpc.openHandler(methods, call -> context.runOnContext(v -> {
                if (res.ended() || res.closed()) return;
                try {
                    res.write("event: call\ndata: " + Json.MAPPER.writeValueAsString(call) + "\n\n");
                } catch (JsonProcessingException e) {
                    log.warn("cannot encode rpc call {}", call.callId());
                }
            }));
        } catch (PeerException e) {
            IpcServer.error(res, e.httpStatus(), e.code(), e.getMessage());
            return;
        }
        long keepAlive = vertx.setPeriodic(EventStreams.KEEP_ALIVE_MS, id -> context.runOnContext(v -> {
            if (!res.ended() && !res.closed()) res.write(": keep-alive\n\n");
        }));
        res.closeHandler(v -> {
            vertx.cancelTimer(keepAlive);
            try {
                registration.close();
            } catch (Exception e) {
                log.warn("rpc handler stream close: {}", e.toString());
            }
        });
        res.setChunked(true).putHeader("content-type", "text/event-stream").putHeader("cache-control", "no-cache");
        res.write(": connected\n\n");
    }
}
