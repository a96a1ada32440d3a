package dev.meshwire.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.ipc.IpcClient;
import dev.meshwire.peer.ipc.IpcException;
import dev.meshwire.peer.ipc.api.RpcCall;
import dev.meshwire.peer.ipc.api.RpcCallRequest;
import dev.meshwire.signaling.Json;
import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code meshwire rpc PEER METHOD [JSON-ARGS]}: calls a method a peer's local app serves and prints its answer
 * (docs/channels.md "rpc"); {@code rpc serve METHOD -- CMD} serves a method with a command; {@code rpc result ID}
 * shows a call's outcome later (after a timeout, or after this daemon went away mid-call). Runs locally, never
 * forwarded: it waits, and it must notice when the daemon goes away.
 */
@Command(name = "rpc", description = "Call a method served by a peer's app and print the answer (or serve one: 'rpc serve').",
        subcommands = {RpcServe.class, RpcCommand.Result.class})
final class RpcCommand extends ReplyVerb {
    @Parameters(index = "0", paramLabel = "PEER", arity = "0..1", description = "display name, public key prefix (8+ hex digits), or pubkey") String peer;
    @Parameters(index = "1", paramLabel = "METHOD", arity = "0..1", description = "the method (A-Z a-z 0-9 . _ : / -, at most 128)") String method;
    @Parameters(index = "2", paramLabel = "JSON-ARGS", arity = "0..1", description = "the arguments as one JSON value (default: null)") String args;
    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30s", description = "how long to wait for the answer, 1s..1h") String timeout;
    @Option(names = "--wait", description = "queue the call if the peer is offline, until the timeout (default: fail at once with peer_offline)") boolean queue;
    @Option(names = "--id", paramLabel = "REQUEST_ID", description = "the call's id (default: random); retrying with the same id never runs the handler twice") String id;
    @Mixin MeshOption mesh;

    @Override
    public Integer call() {
        if (peer == null || method == null) throw new PeerException(PeerException.BAD_REQUEST, "give PEER and METHOD (or 'rpc serve', 'rpc result')");
        JsonNode argsJson = null;
        if (args != null) {
            try {
                argsJson = Json.MAPPER.readTree(args);
            } catch (IOException e) {
                throw new PeerException(PeerException.BAD_REQUEST, "JSON-ARGS is not valid JSON (quote strings: '\"text\"')");
            }
            if (argsJson == null) throw new PeerException(PeerException.BAD_REQUEST, "JSON-ARGS is empty; give a JSON value or leave it out");
        }
        long timeoutMs = Render.parseDuration(timeout);
        IpcClient daemon = daemonWithMeshes();
        RpcCall started = daemon.rpcCall(new RpcCallRequest(mesh.name, peer, method, argsJson, timeoutMs, queue ? true : null, id));
        return RpcOutcome.print(await(daemon, started), json, out());
    }

    /** Follows the call until it leaves {@code pending}; a daemon that goes away is reported with the way back. */
    private RpcCall await(IpcClient daemon, RpcCall call) {
        RpcCall c = call;
        while ("pending".equals(c.state())) {
            try {
                c = daemon.rpcResult(c.requestId(), Math.max(1, c.deadline() - System.currentTimeMillis()) + 500);
            } catch (IpcException e) {
                if (!PeerException.DAEMON_UNAVAILABLE.equals(e.code())) throw e;
                throw new PeerException(PeerException.DAEMON_UNAVAILABLE, "the daemon went away while waiting for the answer to call "
                        + c.requestId() + "; start it again ('meshwire up') and run 'meshwire rpc result " + c.requestId()
                        + "': the answer is recorded when it arrives, also late");
            }
        }
        return c;
    }

    @Command(name = "result", description = "Show the outcome of an rpc call by its id (also after a timeout or a daemon restart).")
    static final class Result extends ReplyVerb {
        @Parameters(paramLabel = "ID", description = "the call's request id") String id;
        @Option(names = "--wait-for", paramLabel = "DURATION", description = "wait up to DURATION (at most 25s) while the call is pending") String waitFor;

        @Override
        public Integer call() {
            long waitMs = waitFor == null ? 0 : Math.min(25_000, Render.parseDuration(waitFor));
            return RpcOutcome.print(daemon().rpcResult(id, waitMs), json, out());
        }
    }
}
