package dev.meshwire.peer.rpc;

import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.ipc.RpcApi;
import dev.meshwire.peer.ipc.api.ErrorFields;
import dev.meshwire.peer.ipc.api.OkReply;
import dev.meshwire.peer.ipc.api.RpcCall;
import dev.meshwire.peer.ipc.api.RpcCallRequest;
import dev.meshwire.peer.ipc.api.RpcError;
import dev.meshwire.peer.ipc.api.RpcReplyRequest;
import dev.meshwire.signaling.envelope.CanonicalJson;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** The rpc IPC endpoints ({@link RpcApi}) over the caller, the callee and the handler registry. */
public final class RpcEndpoints implements RpcApi {
    /** The longest a {@code GET /v1/rpc/calls/{id}} waits (a client waiting longer asks again). */
    public static final long MAX_WAIT_MS = 25_000;
    private static final Pattern ERROR_CODE = Pattern.compile("[a-z0-9_.-]{1,64}");

    private final RpcCaller caller;
    private final RpcCallee callee;
    private final RpcHandlers handlers;

    public RpcEndpoints(RpcCaller caller, RpcCallee callee, RpcHandlers handlers) {
        this.caller = caller;
        this.callee = callee;
        this.handlers = handlers;
    }

    @Override
    public RpcCall call(RpcCallRequest req) {
        return caller.call(req);
    }

    @Override
    public RpcCall result(String requestId, long waitMs) {
        return caller.result(requestId, Math.min(MAX_WAIT_MS, waitMs));
    }

    @Override
    public OkReply reply(RpcReplyRequest req) {
        RpcError error = req.error();
        if (error != null) {
            if (error.code() == null || !ERROR_CODE.matcher(error.code()).matches()) {
                throw bad("error.code", "must be 1..64 characters of a-z 0-9 _ . -");
            }
            if (error.message() == null || error.message().length() > 1024) throw bad("error.message", "is required (at most 1024 characters)");
            if (req.result() != null && !req.result().isNull()) throw bad("result", "must not be given together with 'error'");
        } else if (req.result() != null
                && CanonicalJson.write(req.result()).getBytes(StandardCharsets.UTF_8).length > RpcWire.MAX_BODY_BYTES - 16) {
            throw new PeerException(PeerException.MESSAGE_TOO_LARGE, "the result is larger than rpc carries (" + RpcWire.MAX_BODY_BYTES
                    + " bytes as JSON)");
        }
        if (!callee.answer(req.callId(), RpcCallee.answerOf(req.result(), error))) {
            RpcStore.Served s = callee.served(req.callId());
            if (s != null) throw new PeerException(PeerException.BAD_REQUEST, "call " + req.callId() + " was already answered",
                    List.of(), ErrorFields.field("callId"));
            throw new PeerException(PeerException.UNKNOWN_MESSAGE, "no rpc call " + req.callId() + " on this daemon");
        }
        return new OkReply(true);
    }

    @Override
    public AutoCloseable openHandler(List<String> methods, HandlerSink sink) {
        if (methods == null || methods.isEmpty()) throw badQuery("at least one 'method' query parameter is required");
        if (methods.size() > 64) throw badQuery("at most 64 methods per handler stream");
        Set<String> set = new LinkedHashSet<>();
        for (String m : methods) {
            if (!RpcWire.validMethod(m)) throw badQuery("'method' " + RpcWire.methodRule());
            set.add(m);
        }
        return handlers.register(set, sink, (reg, unanswered) -> callee.streamEnded(unanswered));
    }

    private static PeerException bad(String field, String rule) {
        return new PeerException(PeerException.BAD_REQUEST, "field '" + field + "' " + rule, List.of(), ErrorFields.field(field));
    }

    private static PeerException badQuery(String msg) {
        return new PeerException(PeerException.BAD_REQUEST, "query parameter " + msg, List.of(), ErrorFields.field("method"));
    }
}
