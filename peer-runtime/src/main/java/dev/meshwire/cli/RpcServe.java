package dev.meshwire.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.home.MeshwireHome;
import dev.meshwire.peer.ipc.IpcClient;
import dev.meshwire.peer.ipc.IpcException;
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
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code meshwire rpc serve METHOD -- CMD [ARGS...]}: registers METHOD through a handler stream and runs CMD once
 * per call, the call's args (JSON) on its stdin; stdout is the answer (as JSON when it parses, else as a string), a
 * non-zero exit an error {@code command_failed}. Follows the daemon across restarts. Runs until interrupted.
 */
@Command(name = "serve", description = "Serve METHOD by running CMD per call (args JSON on stdin, stdout is the answer).")
final class RpcServe extends Verb {
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
