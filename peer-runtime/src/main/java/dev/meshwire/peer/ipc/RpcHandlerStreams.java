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

    /** Handler streams open at once; one more is 429 {@code too_many_streams}. */
    static final int MAX_STREAMS = 32;

    private final Vertx vertx;
    private final RpcApi rpc;
    private final java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger();

    RpcHandlerStreams(Vertx vertx, RpcApi rpc) {
        this.vertx = vertx;
        this.rpc = rpc;
    }

    void serve(RoutingContext ctx) {
        HttpServerResponse res = ctx.response();
        List<String> methods = ctx.queryParam("method");
        Context context = vertx.getOrCreateContext();
        if (open.incrementAndGet() > MAX_STREAMS) {
            open.decrementAndGet();
            IpcServer.error(res, 429, "too_many_streams", "at most " + MAX_STREAMS + " rpc handler streams");
            return;
        }
        AutoCloseable registration;
        try {
            registration = rpc.openHandler(methods, call -> context.runOnContext(v -> {
                if (res.ended() || res.closed()) return;
                if (res.writeQueueFull()) {
                    // A handler that does not read its stream cannot run calls either: drop it; its calls are answered
                    // handler_gone when the close handler runs.
                    log.warn("closing an rpc handler stream whose client does not read");
                    ctx.request().connection().close();
                    return;
                }
                try {
                    res.write("event: call\ndata: " + Json.MAPPER.writeValueAsString(call) + "\n\n");
                } catch (JsonProcessingException e) {
                    log.warn("cannot encode rpc call {}", call.callId());
                }
            }));
        } catch (PeerException e) {
            open.decrementAndGet();
            IpcServer.error(res, e.httpStatus(), e.code(), e.getMessage());
            return;
        }
        long keepAlive = vertx.setPeriodic(EventStreams.KEEP_ALIVE_MS, id -> context.runOnContext(v -> {
            if (!res.ended() && !res.closed()) res.write(": keep-alive\n\n");
        }));
        res.closeHandler(v -> {
            open.decrementAndGet();
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
