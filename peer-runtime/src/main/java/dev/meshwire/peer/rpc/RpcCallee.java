package dev.meshwire.peer.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.peer.coordinator.JoinedMeshes;
import dev.meshwire.peer.coordinator.MeshSession;
import dev.meshwire.peer.inbox.InboundEnvelope;
import dev.meshwire.peer.ipc.api.PeerRef;
import dev.meshwire.peer.ipc.api.RpcHandlerCall;
import dev.meshwire.signaling.envelope.Envelope;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The callee's side of rpc (docs/channels.md "rpc"): each request that passed the shared inbound checks is
 * deduplicated by (caller, request id) in {@link RpcStore} <b>before</b> it is acked and before any handler sees it,
 * so a retried request — the same envelope again, or a new one with the same correlation id, on any path — runs the
 * handler at most once; a retry of an answered request gets the cached answer again. The request goes to the local
 * handler of its method ({@link RpcHandlers}); none → {@code no_handler}. Right after this daemon starts, apps need a
 * moment to register again: a request for a method nobody handles waits up to {@link #BOOT_GRACE} after the start
 * for its handler before it is answered {@code no_handler}. A request whose handler was running when the daemon
 * stopped is answered {@code interrupted} at the next start (it may have run: at most once, never twice).
 *
 * <p>Every answer is a signed envelope handed to the durable outbox ({@link RpcOutbox}). Work that touches the
 * database and is triggered on an event loop (a stream that ended, a registration) runs on this class's own thread.
 */
public final class RpcCallee implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RpcCallee.class);
    /** How long answers are cached against retries (at least the longest call timeout). */
    public static final Duration DEDUPE_WINDOW = Duration.ofMillis(RpcCaller.MAX_TIMEOUT_MS);
    /** How long the caller's records of its calls are kept. */
    public static final Duration CALL_RETENTION = Duration.ofDays(7);
    public static final Duration BOOT_GRACE = Duration.ofSeconds(15);

    private final JoinedMeshes meshes;
    private final RpcStore store;
    private final RpcOutbox outbox;
    private final RpcHandlers handlers;
    private final LongSupplier clock;
    private final long startedAt;
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "meshwire-rpc");
        t.setDaemon(true);
        return t;
    });
    /** Calls waiting for a handler to register during the boot grace (touched on {@link #worker} only). */
    private final List<RpcHandlerCall> parked = new ArrayList<>();
    private final AtomicLong dispatched = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private volatile long lastPrune;

    public RpcCallee(JoinedMeshes meshes, RpcStore store, RpcOutbox outbox, RpcHandlers handlers, LongSupplier clock) {
        this.meshes = meshes;
        this.store = store;
        this.outbox = outbox;
        this.handlers = handlers;
        this.clock = clock;
        this.startedAt = clock.getAsLong();
        handlers.onRegistered(methods -> worker.execute(() -> unpark(methods)));
        worker.schedule(this::endGrace, BOOT_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Calls given to a handler so far (each request at most once). */
    public long dispatched() { return dispatched.get(); }
    /** Retried requests answered without running the handler. */
    public long duplicates() { return duplicates.get(); }

    /**
     * Answers the requests whose handler was running when this daemon last stopped: {@code interrupted}. Call once at
     * start, after the joined meshes are loaded and before any handler can register.
     */
    public void recoverInterrupted() {
        for (RpcStore.Served s : store.running()) {
            answer(s.id(), RpcWire.Answer.error("interrupted", "the callee's daemon stopped while the call was being handled; "
                    + "it may have run (rpc runs a handler at most once)"));
        }
    }

    /** A request envelope (see the class comment). Returns why it is dropped, or null once it is settled and acked. */
    public String onRequest(InboundEnvelope in) {
        if (in.session() != null) return "rpc is answered by the member's daemon, not by a held session or service";
        Envelope env = in.envelope();
        MeshSession mesh = in.mesh();
        if (!mesh.selfPubkey().equals(env.target())) return "rpc request for " + env.target() + ", not this member";
        String id = env.meta().rpcCorrelationId();
        if (id == null || id.isEmpty() || id.length() > RpcWire.MAX_REQUEST_ID) return "rpc request without a valid rpcCorrelationId";
        long now = clock.getAsLong();
        Long expiresAt = env.meta().expiresAt();
        // The caller stopped waiting: running it now would be a side effect nobody asked for any more.
        if (expiresAt != null && expiresAt <= now) return "rpc request " + id + " expired before it arrived";
        RpcWire.Request req = null;
        String malformed = null;
        try {
            req = RpcWire.parseRequest(RpcWire.open(mesh, env));
        } catch (RpcWire.RpcRefusal r) {
            if (r.getMessage().startsWith("cannot decrypt")) return r.getMessage(); // not from whom it says: no answer
            malformed = r.getMessage();
        }
        prune(now);
        RpcStore.ClaimResult c = store.claim(mesh.name(), env.from(), in.senderName(), id, req == null ? "?" : req.method(), now, expiresAt);
        // The (caller, id) row is committed: a redelivery finds it.
        if (c.inserted()) in.ack(env.meta().clientMessageId()); else in.ackDuplicate(env.meta().clientMessageId());
        if (!c.inserted()) {
            duplicates.incrementAndGet();
            if (c.row().done()) send(c.row(), RpcWire.Answer.parse(c.row().answerJson())); // from the cache, handler not run
            return null; // running: its answer goes out when the handler answers
        }
        if (malformed != null) {
            answer(c.row().id(), RpcWire.Answer.error("bad_request", malformed));
            return null;
        }
        RpcStore.Served s = c.row();
        RpcHandlerCall call = new RpcHandlerCall(s.id(), id, mesh.name(), new PeerRef(in.senderName(), env.from()), req.method(),
                req.args().isNull() ? null : req.args(), expiresAt);
        if (!give(call)) {
            if (now < startedAt + BOOT_GRACE.toMillis()) worker.execute(() -> park(call));
            else noHandler(call);
        }
        return null;
    }

    /**
     * The handler's answer to call {@code callId}: stored (final) and sent. False when the call is unknown or was
     * already answered (an answer is never replaced).
     */
    public boolean answer(long callId, RpcWire.Answer answer) {
        if (!store.finish(callId, answer.json())) return false;
        handlers.answered(callId);
        RpcStore.Served s = store.served(callId);
        if (s != null) send(s, answer);
        return true;
    }

    /** The calls a handler stream was given and did not answer before it ended. */
    public void streamEnded(Collection<Long> unanswered) {
        if (unanswered.isEmpty()) return;
        worker.execute(() -> {
            for (long id : unanswered) {
                answer(id, RpcWire.Answer.error("handler_gone", "the handler's stream ended before it answered; it may have run"));
            }
        });
    }

    public RpcStore.Served served(long callId) {
        return store.served(callId);
    }

    private boolean give(RpcHandlerCall call) {
        if (!handlers.dispatch(call)) return false;
        dispatched.incrementAndGet();
        return true;
    }

    private void noHandler(RpcHandlerCall call) {
        answer(call.callId(), RpcWire.Answer.error("no_handler", "no handler for method '" + call.method() + "' on the callee"));
    }

    private void park(RpcHandlerCall call) {
        if (give(call)) return; // registered meanwhile
        if (clock.getAsLong() >= startedAt + BOOT_GRACE.toMillis()) noHandler(call);
        else parked.add(call);
    }

    private void unpark(Set<String> methods) {
        for (var it = parked.iterator(); it.hasNext(); ) {
            RpcHandlerCall call = it.next();
            if (methods.contains(call.method()) && give(call)) it.remove();
        }
    }

    private void endGrace() {
        for (RpcHandlerCall call : parked) if (!give(call)) noHandler(call);
        parked.clear();
    }

    /** Sends {@code answer} for served row {@code s} to its caller, through the durable outbox. */
    private void send(RpcStore.Served s, RpcWire.Answer answer) {
        MeshSession mesh = meshes.get(s.meshName());
        if (mesh == null) {
            log.warn("rpc: cannot answer {} from {}: mesh {} is no longer joined", s.requestId(), s.callerName(), s.meshName());
            return;
        }
        try {
            byte[] body = answer.json().getBytes(StandardCharsets.UTF_8);
            outbox.submit(mesh, RpcWire.answer(mesh, s.caller(), s.requestId(), body, clock.getAsLong()),
                    s.callerName() != null ? s.callerName() : s.caller().substring(0, 12), body);
        } catch (RuntimeException e) {
            log.error("rpc: cannot queue the answer to {} from {}", s.requestId(), s.callerName(), e);
        }
    }

    private void prune(long now) {
        if (now - lastPrune < 60_000) return;
        lastPrune = now;
        int n = store.prune(now - DEDUPE_WINDOW.toMillis(), now - CALL_RETENTION.toMillis());
        if (n > 0) log.debug("rpc: pruned {} rows past the dedupe window or retention", n);
    }

    /** Builds the answer of a handler reply. */
    public static RpcWire.Answer answerOf(JsonNode result, dev.meshwire.peer.ipc.api.RpcError error) {
        return error != null ? new RpcWire.Answer(false, null, error) : RpcWire.Answer.ok(result);
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
