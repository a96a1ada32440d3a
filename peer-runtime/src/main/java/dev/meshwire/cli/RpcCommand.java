package dev.meshwire.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.home.MeshwireHome;
import dev.meshwire.peer.ipc.IpcClient;
import dev.meshwire.peer.ipc.IpcException;
import dev.meshwire.peer.ipc.api.RpcCall;
import dev.meshwire.peer.ipc.api.RpcCallRequest;
import dev.meshwire.peer.ipc.api.RpcError;
import dev.meshwire.peer.ipc.api.RpcHandlerCall;
import dev.meshwire.peer.ipc.api.RpcReplyRequest;
import dev.meshwire.signaling.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
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
        subcommands = {RpcCommand.Serve.class, RpcCommand.Result.class})
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
        return finish(await(daemon, started));
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

    /** Prints the outcome: the answer (exit 0), or an error naming the call (exit by code). */
    int finish(RpcCall c) {
        String who = c.peer().name() != null ? c.peer().name() : c.peer().pubkey();
        switch (c.state()) {
            case "ok" -> {
                if (json) printJson(c);
                else out().println(c.result() != null && c.result().isTextual() ? c.result().textValue() : Render.json(c.result()));
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
                if (json) printJson(c);
                else out().println("call " + c.requestId() + " to " + who + " (" + c.method() + "): still waiting for the answer until "
                        + Render.time(c.deadline()));
                return ExitCodes.OK;
            }
        }
    }

    private static String seconds(long ms) {
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }

    /** A call answered with an error by the callee (or its daemon). */
    static final String RPC_ERROR = "rpc_error";
    /** No answer within the call's timeout. */
    static final String RPC_TIMEOUT = "rpc_timeout";

    @Command(name = "result", description = "Show the outcome of an rpc call by its id (also after a timeout or a daemon restart).")
    static final class Result extends ReplyVerb {
        @Parameters(paramLabel = "ID", description = "the call's request id") String id;
        @Option(names = "--wait-for", paramLabel = "DURATION", description = "wait up to DURATION (at most 25s) while the call is pending") String waitFor;

        @Override
        public Integer call() {
            long waitMs = waitFor == null ? 0 : Math.min(25_000, Render.parseDuration(waitFor));
            RpcCall c = daemon().rpcResult(id, waitMs);
            RpcCommand printer = new RpcCommand();
            printer.spec = spec;
            printer.json = json;
            return printer.finish(c);
        }
    }

    /**
     * {@code meshwire rpc serve METHOD -- CMD [ARGS...]}: registers METHOD through a handler stream and runs CMD once
     * per call, the call's args (JSON) on its stdin; stdout is the answer (as JSON when it parses, else as a string), a
     * non-zero exit an error {@code command_failed}. Follows the daemon across restarts. Runs until interrupted.
     */
    @Command(name = "serve", description = "Serve METHOD by running CMD per call (args JSON on stdin, stdout is the answer).")
    static final class Serve extends Verb {
        @Parameters(index = "0", paramLabel = "METHOD", description = "the method to serve") String method;
        @Parameters(index = "1..*", arity = "1..*", paramLabel = "CMD", description = "the command and its arguments (after --)") List<String> command;
        @Option(names = "--concurrency", paramLabel = "N", defaultValue = "4", description = "how many calls run at once") int concurrency;
        /** The largest stdout taken as an answer. */
        static final int MAX_OUTPUT = 256 * 1024 - 64;

        @Override
        public Integer call() throws InterruptedException {
            if (concurrency < 1 || concurrency > 64) throw new PeerException(PeerException.BAD_REQUEST, "--concurrency must be 1..64");
            ExecutorService pool = Executors.newFixedThreadPool(concurrency, r -> {
                Thread t = new Thread(r, "rpc-serve");
                t.setDaemon(true);
                return t;
            });
            IpcClient daemon = daemonWithMeshes();
            while (true) {
                IpcClient d = daemon;
                try {
                    d.rpcHandler(List.of(method), () -> main().err.println("meshwire: serving " + method + " with " + String.join(" ", command)
                            + " (ctrl-c stops)"), call -> {
                        pool.execute(() -> answer(d, call));
                        return true;
                    });
                } catch (IpcException e) {
                    if (!PeerException.DAEMON_UNAVAILABLE.equals(e.code())) throw e;
                }
                main().err.println("meshwire: the daemon went away; waiting for it to come back");
                daemon = awaitDaemon(home());
            }
        }

        private static IpcClient awaitDaemon(MeshwireHome home) throws InterruptedException {
            while (true) {
                IpcClient c = IpcClient.forHome(home);
                if (c != null && c.alive()) return c;
                Thread.sleep(500); // polling for a daemon that is restarting
            }
        }

        private void answer(IpcClient d, RpcHandlerCall call) {
            RpcReplyRequest reply;
            try {
                reply = run(call);
            } catch (IOException e) {
                reply = new RpcReplyRequest(call.callId(), null, new RpcError("command_failed", "cannot run " + command.get(0) + ": " + e.getMessage()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            try {
                d.rpcReply(reply);
            } catch (IpcException e) {
                main().err.println("meshwire: cannot answer call " + call.callId() + ": " + e.getMessage());
            }
        }

        private RpcReplyRequest run(RpcHandlerCall call) throws IOException, InterruptedException {
            ProcessBuilder pb = new ProcessBuilder(command).directory(main().invocation().cwd().toFile());
            pb.environment().put("MESHWIRE_RPC_METHOD", call.method());
            pb.environment().put("MESHWIRE_RPC_REQUEST_ID", call.requestId());
            pb.environment().put("MESHWIRE_RPC_FROM", call.from().pubkey());
            if (call.from().name() != null) pb.environment().put("MESHWIRE_RPC_FROM_NAME", call.from().name());
            Process p = pb.start();
            byte[] in = Json.MAPPER.writeValueAsBytes(call.args());
            Thread feeder = new Thread(() -> {
                try (OutputStream os = p.getOutputStream()) {
                    os.write(in);
                } catch (IOException ignored) {
                    // the command does not read its stdin: that is its choice
                }
            });
            feeder.start();
            ByteArrayOutputStream errBuf = new ByteArrayOutputStream();
            Thread errReader = new Thread(() -> capture(p.getErrorStream(), errBuf, 4096));
            errReader.start();
            ByteArrayOutputStream outBuf = new ByteArrayOutputStream();
            boolean tooBig = capture(p.getInputStream(), outBuf, MAX_OUTPUT);
            long left = call.deadline() == null ? 3_600_000 : Math.max(1, call.deadline() - System.currentTimeMillis());
            if (!p.waitFor(left, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return new RpcReplyRequest(call.callId(), null, new RpcError("command_timeout", command.get(0) + " did not finish before the caller's deadline"));
            }
            errReader.join(5_000);
            if (p.exitValue() != 0) {
                String err = errBuf.toString(StandardCharsets.UTF_8).strip();
                String last = err.isEmpty() ? "" : ": " + err.substring(err.lastIndexOf('\n') + 1);
                return new RpcReplyRequest(call.callId(), null, new RpcError("command_failed", command.get(0) + " exited with " + p.exitValue()
                        + (last.length() > 512 ? last.substring(0, 512) + "…" : last)));
            }
            if (tooBig) return new RpcReplyRequest(call.callId(), null, new RpcError("command_failed", command.get(0) + " printed more than "
                    + MAX_OUTPUT + " bytes"));
            String text = outBuf.toString(StandardCharsets.UTF_8);
            JsonNode result;
            try {
                result = text.isBlank() ? null : Json.MAPPER.readTree(text);
            } catch (IOException e) {
                result = null;
            }
            if (result == null) result = Json.MAPPER.getNodeFactory().textNode(text.endsWith("\n") ? text.substring(0, text.length() - 1) : text);
            return new RpcReplyRequest(call.callId(), result, null);
        }

        /** Reads {@code in} to its end, keeping at most {@code max} bytes; true when there was more. */
        private static boolean capture(InputStream in, ByteArrayOutputStream buf, int max) {
            boolean more = false;
            byte[] b = new byte[8192];
            try (in) {
                for (int n; (n = in.read(b)) > 0; ) {
                    int keep = Math.min(n, max - buf.size());
                    if (keep > 0) buf.write(b, 0, keep);
                    if (keep < n) more = true;
                }
            } catch (IOException ignored) {
                // the process ended
            }
            return more;
        }
    }
}
