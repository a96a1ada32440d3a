package dev.meshwire.peer.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.coordinator.JoinedMeshes;
import dev.meshwire.peer.coordinator.MeshSession;
import dev.meshwire.peer.inbox.InboundEnvelope;
import dev.meshwire.peer.ipc.api.ErrorFields;
import dev.meshwire.peer.ipc.api.PeerRef;
import dev.meshwire.peer.ipc.api.RpcCall;
import dev.meshwire.peer.ipc.api.RpcCallRequest;
import dev.meshwire.peer.meshstate.PeerLookup;
import dev.meshwire.peer.outbox.DurableOutbox;
import dev.meshwire.signaling.envelope.Channel;
import dev.meshwire.signaling.envelope.Envelope;
import dev.meshwire.signaling.frame.Frames;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The caller's side of rpc (docs/channels.md "rpc"). A call is recorded ({@link RpcStore}, pending) before its request
 * goes to the durable outbox, so an answer can always be matched to it by correlation id — on the relay, on a direct
 * channel, and after a restart of this daemon (the answer waits in the coordinator's queue meanwhile). Without
 * {@code wait} a callee that is not online in the roster fails fast with {@code peer_offline} (nothing is sent).
 */
public final class RpcCaller {
    private static final Logger log = LoggerFactory.getLogger(RpcCaller.class);
    public static final long DEFAULT_TIMEOUT_MS = 30_000;
    public static final long MIN_TIMEOUT_MS = 1_000;
    public static final long MAX_TIMEOUT_MS = 3_600_000;
    private static final PeerLookup CALL = new PeerLookup("call", PeerException.SELF_SEND, false);

    private final JoinedMeshes meshes;
    private final RpcStore store;
    private final RpcOutbox outbox;
    private final LongSupplier clock;
    /** Waiters of {@link #result} are woken here whenever an answer is recorded. */
    private final Object answered = new Object();

    public RpcCaller(JoinedMeshes meshes, RpcStore store, RpcOutbox outbox, LongSupplier clock) {
        this.meshes = meshes;
        this.store = store;
        this.outbox = outbox;
        this.clock = clock;
    }

    /** Validates, records and sends the call (or records {@code peer_offline}); returns the call as recorded. */
    public RpcCall call(RpcCallRequest req) {
        if (!RpcWire.validMethod(req.method())) throw bad("method", RpcWire.methodRule());
        long timeout = req.timeoutMs() == null ? DEFAULT_TIMEOUT_MS : req.timeoutMs();
        if (timeout < MIN_TIMEOUT_MS || timeout > MAX_TIMEOUT_MS) {
            throw bad("timeoutMs", "must be " + MIN_TIMEOUT_MS + ".." + MAX_TIMEOUT_MS + " milliseconds");
        }
        String id = req.requestId() == null ? RpcWire.newRequestId() : req.requestId();
        DurableOutbox.checkClientId("requestId", id);
        if (id.length() > RpcWire.MAX_REQUEST_ID) throw bad("requestId", "must be at most " + RpcWire.MAX_REQUEST_ID + " characters");
        byte[] body = RpcWire.requestBody(req.method(), req.args());
        if (body.length > RpcWire.MAX_BODY_BYTES) {
            throw new PeerException(PeerException.MESSAGE_TOO_LARGE, "the request is " + body.length + " bytes as JSON; rpc carries at most "
                    + RpcWire.MAX_BODY_BYTES + " bytes");
        }
        if (req.peer() == null || req.peer().isBlank()) throw bad("peer", "is required");
        MeshSession mesh = meshes.select(req.mesh());
        Frames.PeerInfo callee = mesh.roster().resolve(req.peer(), CALL);
        String name = callee.name() != null ? callee.name() : callee.pubkey().substring(0, 12);
        RpcStore.Call existing = store.call(id);
        if (existing != null) {
            // A retry of the same call (same callee and method) is the same call: its record, nothing sent again.
            if (existing.peerPubkey().equals(callee.pubkey()) && existing.method().equals(req.method())) return view(existing);
            throw new PeerException(PeerException.BAD_REQUEST, "request id '" + id + "' was already used for another call ("
                    + existing.method() + " to " + existing.peerName() + "); use a new id", List.of(), ErrorFields.field("requestId"));
        }
        if (!mesh.roster().grantedBy(callee.pubkey(), Channel.RPC)) {
            // The coordinator would drop it silently and the call would only time out: say why now.
            throw new PeerException(PeerException.SCOPE_REFUSED, name + " does not grant you rpc ('meshwire grants' shows the grants)");
        }
        if (mesh.roster().grantRefusal(callee.pubkey(), Channel.RPC) != null) {
            // The answer travels on channel rpc too: our own grants would drop it (here and at the coordinator).
            throw new PeerException(PeerException.SCOPE_REFUSED, "your grants refuse " + name + " rpc, so its answer could not reach you; "
                    + "grant it ('meshwire grant " + name + " ...,rpc') first");
        }
        boolean wait = Boolean.TRUE.equals(req.queueIfOffline());
        if (!wait && !awaitLink(mesh)) {
            // Presence is only known through the coordinator: without a link "offline" would be a guess.
            throw new PeerException(PeerException.COORDINATOR_UNREACHABLE, "not connected to the coordinator of " + mesh.name()
                    + " (" + mesh.link().state().name().toLowerCase(java.util.Locale.ROOT) + "), so whether " + name
                    + " is online is unknown; '--wait' queues the call until it can be delivered");
        }
        boolean online = online(mesh, callee.pubkey());
        if (!online && !wait) {
            mesh.link().refreshPresence(); // "offline" fails the call: ask the coordinator once rather than trust a missed event
            online = online(mesh, callee.pubkey());
        }
        long now = clock.getAsLong();
        if (!online && !wait) {
            store.insertCall(new RpcStore.Call(id, mesh.name(), callee.pubkey(), name, req.method(), RpcStore.PEER_OFFLINE, null, now,
                    now + timeout, null, null));
            return view(store.call(id));
        }
        if (!store.insertCall(new RpcStore.Call(id, mesh.name(), callee.pubkey(), name, req.method(), RpcStore.PENDING, null, now,
                now + timeout, null, null))) {
            return view(store.call(id)); // a concurrent call with the same id won
        }
        try {
            Envelope env = RpcWire.request(mesh, callee.pubkey(), id, body, timeout, now);
            outbox.submit(mesh, env, name, body);
        } catch (RuntimeException e) {
            log.warn("rpc: cannot send call {} to {}: {}", id, name, e.toString());
            store.failCall(id, RpcWire.Answer.error("send_failed", "the request could not be queued: " + e.getMessage()).json(), clock.getAsLong());
            wakeWaiters();
        }
        return view(store.call(id));
    }

    /**
     * Waits up to {@link #LINK_WAIT_MS} for the mesh's coordinator link (a daemon started for this very call is still
     * connecting); true once it is connected.
     */
    private static boolean awaitLink(MeshSession mesh) {
        long end = System.nanoTime() + LINK_WAIT_MS * 1_000_000L;
        while (!mesh.link().connected()) {
            if (System.nanoTime() > end) return false;
            try {
                Thread.sleep(50); // polling a link that is connecting, bounded by LINK_WAIT_MS
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private static boolean online(MeshSession mesh, String pubkey) {
        Frames.PeerInfo p = mesh.roster().peer(pubkey);
        return p != null && p.online();
    }

    /** How long a call without {@code queueIfOffline} waits for the coordinator link before it refuses. */
    static final long LINK_WAIT_MS = 5_000;

    /** The call, after waiting up to {@code waitMs} (and never past its deadline) while it is pending. */
    public RpcCall result(String requestId, long waitMs) {
        long end = clock.getAsLong() + Math.max(0, waitMs);
        while (true) {
            RpcStore.Call c = store.call(requestId);
            if (c == null) throw new PeerException(PeerException.UNKNOWN_MESSAGE, "no rpc call with id '" + requestId + "' on this daemon");
            long now = clock.getAsLong();
            long until = Math.min(end, c.deadline());
            if (!RpcStore.PENDING.equals(c.state()) || now >= until) return view(c);
            synchronized (answered) {
                try {
                    answered.wait(Math.max(1, Math.min(until - now, 1_000)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return view(c);
                }
            }
        }
    }

    /**
     * An answer envelope ({@code rpcResponse = true}): matched by correlation id to a call made to its sender, recorded
     * (also after the deadline: {@code rpc result} then shows it as late), then acked. Returns why it is dropped, or null.
     */
    public String onAnswer(InboundEnvelope in) {
        Envelope env = in.envelope();
        String id = env.meta().rpcCorrelationId();
        if (id == null || id.isEmpty()) return "rpc answer without rpcCorrelationId";
        if (!in.mesh().selfPubkey().equals(env.target())) return "rpc answer for " + env.target() + ", not this member";
        RpcWire.Answer answer;
        try {
            answer = RpcWire.Answer.parse(new String(RpcWire.open(in.mesh(), env), StandardCharsets.UTF_8));
        } catch (RpcWire.RpcRefusal r) {
            return r.getMessage();
        }
        RpcStore.Matched m = store.answer(id, env.from(), answer.hasResult() ? RpcStore.OK : RpcStore.ERROR, answer.json(),
                clock.getAsLong(), in.path());
        if (m == RpcStore.Matched.UNKNOWN) return "rpc answer " + id + " matches no call of this member to " + env.from();
        // The answer is committed (or was already): ack.
        if (m == RpcStore.Matched.DUPLICATE) in.ackDuplicate(env.meta().clientMessageId()); else in.ack(env.meta().clientMessageId());
        if (m == RpcStore.Matched.RECORDED) wakeWaiters();
        return null;
    }

    private void wakeWaiters() {
        synchronized (answered) {
            answered.notifyAll();
        }
    }

    /** The IPC view: a pending call past its deadline is reported as {@code timeout}. */
    RpcCall view(RpcStore.Call c) {
        String state = c.state();
        if (RpcStore.PENDING.equals(state) && clock.getAsLong() >= c.deadline()) state = "timeout";
        RpcWire.Answer a = c.answerJson() == null ? null : RpcWire.Answer.parse(c.answerJson());
        JsonNode result = a != null && a.hasResult() && !a.result().isNull() ? a.result() : null; // a null answer: absent (never null in a reply)
        return new RpcCall(c.requestId(), c.meshName(), new PeerRef(c.peerName(), c.peerPubkey()), c.method(), state, result,
                a == null ? null : a.error(), c.createdAt(), c.deadline(), c.answeredAt(),
                c.answeredAt() == null ? null : c.answeredAt() > c.deadline(), c.path());
    }

    private static PeerException bad(String field, String rule) {
        return new PeerException(PeerException.BAD_REQUEST, "field '" + field + "' " + rule, List.of(), ErrorFields.field(field));
    }
}
