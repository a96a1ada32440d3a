package dev.meshwire.cli;

import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.ipc.api.RpcCall;
import dev.meshwire.peer.ipc.api.RpcError;
import java.io.PrintStream;

/**
 * How {@code meshwire rpc} and {@code rpc result} report a call (docs/cli.md): the answer on stdout and exit 0 (a JSON
 * string as is, any other value pretty-printed; {@code --json}: the call record); a pending call says so (exit 0);
 * every other outcome is an error naming the call id, with its exit code ({@link ExitCodes}).
 */
final class RpcOutcome {
    /** A call answered with an error by the callee (or its daemon): exit 1. */
    static final String RPC_ERROR = "rpc_error";
    /** No answer within the call's timeout: exit 5. */
    static final String RPC_TIMEOUT = "rpc_timeout";

    private RpcOutcome() {}

    static int print(RpcCall c, boolean json, PrintStream out) {
        String who = c.peer().name() != null ? c.peer().name() : c.peer().pubkey();
        switch (c.state()) {
            case "ok" -> {
                if (json) out.println(Render.json(c));
                else out.println(c.result() != null && c.result().isTextual() ? c.result().textValue() : Render.json(c.result()));
                return ExitCodes.OK;
            }
            case "error" -> {
                RpcError e = c.error();
                throw new PeerException(RPC_ERROR, who + " answered " + c.method() + " with error " + e.code() + ": " + e.message()
                        + " (call " + c.requestId() + ")");
            }
            case "timeout" -> throw new PeerException(RPC_TIMEOUT, "no answer from " + who + " to " + c.method() + " within "
                    + seconds(c.deadline() - c.createdAt()) + " (call " + c.requestId() + "); an answer that arrives later is recorded: "
                    + "'meshwire rpc result " + c.requestId() + "'");
            case "peer_offline" -> throw new PeerException(PeerException.PEER_OFFLINE, who + " is offline; '--wait' queues the call until "
                    + who + " is back (up to --timeout)");
            default -> {
                if (json) out.println(Render.json(c));
                else out.println("call " + c.requestId() + " to " + who + " (" + c.method() + "): still waiting for the answer until "
                        + Render.time(c.deadline()));
                return ExitCodes.OK;
            }
        }
    }

    private static String seconds(long ms) {
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }
}
