package dev.meshwire.peer.rpc;

import static dev.meshwire.peer.TestSupport.await;

import dev.meshwire.peer.ipc.IpcClient;
import dev.meshwire.peer.ipc.api.RpcHandlerCall;
import dev.meshwire.peer.ipc.api.RpcReplyRequest;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;

/**
 * A local app serving rpc methods through a real handler stream of a daemon's IPC, on its own thread. Every call it
 * gets is recorded; {@code answer} says what to reply (null: do not reply now; the test replies later through
 * {@link #reply}).
 */
public final class TestHandler {
    public final List<RpcHandlerCall> calls = new CopyOnWriteArrayList<>();
    private final IpcClient client;

    private TestHandler(IpcClient client) {
        this.client = client;
    }

    /** Registers {@code methods} on {@code client}'s daemon and returns once the stream is open. */
    public static TestHandler start(IpcClient client, List<String> methods, Function<RpcHandlerCall, RpcReplyRequest> answer) {
        TestHandler h = new TestHandler(client);
        CountDownLatch open = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            try {
                client.rpcHandler(methods, open::countDown, call -> {
                    h.calls.add(call);
                    RpcReplyRequest r = answer.apply(call);
                    if (r != null) client.rpcReply(r);
                    return true;
                });
            } catch (RuntimeException e) {
                // the daemon closed: the stream ends
            }
        }, "test-rpc-handler");
        t.setDaemon(true);
        t.start();
        await("the handler stream is open", 30_000, () -> open.getCount() == 0);
        return h;
    }

    public void reply(RpcReplyRequest r) {
        client.rpcReply(r);
    }
}
