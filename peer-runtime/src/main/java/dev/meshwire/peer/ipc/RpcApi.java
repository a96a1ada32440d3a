package dev.meshwire.peer.ipc;

import dev.meshwire.peer.ipc.api.OkReply;
import dev.meshwire.peer.ipc.api.RpcCall;
import dev.meshwire.peer.ipc.api.RpcCallRequest;
import dev.meshwire.peer.ipc.api.RpcHandlerCall;
import dev.meshwire.peer.ipc.api.RpcReplyRequest;
import java.util.List;

/**
 * The rpc channel (docs/ipc.md "rpc"): {@code POST /v1/rpc/call}, {@code GET /v1/rpc/calls/{id}},
 * {@code GET /v1/rpc/handler} (a handler stream) and {@code POST /v1/rpc/reply}.
 */
public interface RpcApi {
    /** Records and sends a call (or records it as {@code peer_offline}); returns at once. Blocking (JDBC). */
    RpcCall call(RpcCallRequest req);

    /** The call {@code requestId}, after waiting up to {@code waitMs} for it to leave {@code pending}. Blocking. */
    RpcCall result(String requestId, long waitMs);

    /** A handler's answer to the call {@code callId}. Blocking (JDBC). */
    OkReply reply(RpcReplyRequest req);

    /**
     * Registers a handler for {@code methods} whose calls go to {@code sink} until the returned registration is
     * closed (the stream ended); calls it had not answered then are answered {@code handler_gone}. Never blocks
     * (called on an event loop); throws {@link dev.meshwire.peer.PeerException} for a bad method name.
     */
    AutoCloseable openHandler(List<String> methods, HandlerSink sink);

    /** Where a handler stream's calls go. Called on any thread; must not block. */
    @FunctionalInterface
    interface HandlerSink {
        void call(RpcHandlerCall call);
    }
}
