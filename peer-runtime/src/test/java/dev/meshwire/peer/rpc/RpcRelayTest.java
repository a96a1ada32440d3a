package dev.meshwire.peer.rpc;

import static dev.meshwire.peer.TestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.coordinator.Coordinator;
import dev.meshwire.coordinator.CoordinatorConfig;
import dev.meshwire.peer.daemon.Daemon;
import dev.meshwire.peer.daemon.DaemonOptions;
import dev.meshwire.peer.ipc.IpcException;
import dev.meshwire.peer.ipc.api.CreateMeshRequest;
import dev.meshwire.peer.ipc.api.RpcCall;
import dev.meshwire.peer.ipc.api.RpcCallRequest;
import dev.meshwire.peer.ipc.api.RpcError;
import dev.meshwire.peer.ipc.api.RpcReplyRequest;
import dev.meshwire.peer.p2p.P2pMode;
import dev.meshwire.peer.p2p.P2pSettings;
import dev.meshwire.peer.transport.CoordinatorRelayTransport;
import dev.meshwire.signaling.Json;
import dev.meshwire.signaling.envelope.Envelope;
import dev.meshwire.signaling.envelope.EnvelopeSignature;
import dev.meshwire.signaling.envelope.Meta;
import dev.meshwire.signaling.frame.Frames;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * rpc through the coordinator relay (direct channels off), with a real coordinator, two real daemons and a real
 * handler stream: a round trip; a retried request (same caller and request id, a new envelope the coordinator relays)
 * runs the handler once and is answered from the cache; {@code no_handler}; a timeout and the late answer recorded
 * after it; {@code peer_offline} fails fast; a queued call ({@code wait}) reaches a callee that comes back, and one
 * whose timeout passed meanwhile never does; a caller the callee's grants refuse is told at once. Runs against both
 * coordinator stores (the queue is the coordinator's): {@link SqliteRpcRelayTest} and {@link PostgresRpcRelayTest}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@org.junit.jupiter.api.TestInstance(org.junit.jupiter.api.TestInstance.Lifecycle.PER_CLASS)
abstract class RpcRelayTest {
    static final long WAIT = 60_000;
    /** Static: JUnit injects a static temp dir before {@code @BeforeAll} (a fresh one for each concrete class). */
    @TempDir
    static Path tmp;
    Coordinator coord;
    Daemon alice, bob;
    String bobPub;
    TestHandler handler;

    /** The coordinator's store: null for SQLite (the default), else a PostgreSQL URL. */
    abstract String dbUrl();

    DaemonOptions opts(String who) {
        return DaemonOptions.of(tmp.resolve(who)).withP2p(P2pSettings.defaults().withMode(P2pMode.OFF));
    }

    @BeforeAll
    void start() throws Exception {
        CoordinatorConfig cfg = CoordinatorConfig.defaults(tmp.resolve("coord")).withListen("127.0.0.1", 0).withStunPort(-1);
        String db = dbUrl();
        if (db != null) cfg = cfg.withDbUrl(db);
        coord = Coordinator.start(cfg);
        alice = Daemon.start(opts("alice"));
        bob = Daemon.start(opts("bob"));
        String invite = alice.client().createMesh(new CreateMeshRequest("team", coord.publicUrl(), "alice", coord.adminToken())).invite();
        bobPub = bob.client().join(invite, "bob").mesh().pubkey();
        await("alice sees bob online", WAIT, () -> {
            Frames.PeerInfo p = alice.session("team").roster().peer(bobPub);
            return p != null && p.online();
        });
        handler = TestHandler.start(bob.client(), List.of("echo", "slow"), call -> "echo".equals(call.method())
                ? new RpcReplyRequest(call.callId(), Json.MAPPER.createObjectNode().put("from", call.from().name()).set("echo", call.args()), null)
                : null);
    }

    @AfterAll
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {alice, bob, coord}) {
            try {
                if (c != null) c.close();
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    RpcCall settled(Daemon d, String id) {
        return await("call " + id + " settles", Duration.ofMillis(WAIT), () -> {
            RpcCall c = d.client().rpcResult(id, 10_000);
            return "pending".equals(c.state()) ? null : c;
        });
    }

    @Test
    @Order(1)
    void aRoundTripThroughTheRelayAndARetryRunsTheHandlerOnce() throws Exception {
        JsonNode args = Json.MAPPER.readTree("{\"n\":42,\"text\":\"héllo\"}");
        RpcCall started = alice.client().rpcCall(new RpcCallRequest(null, "bob", "echo", args, 30_000L, null, "relay-1"));
        assertEquals("pending", started.state(), started.toString());
        RpcCall done = settled(alice, "relay-1");
        assertEquals("ok", done.state(), done.toString());
        assertEquals(args, done.result().get("echo"));
        assertEquals("alice", done.result().get("from").asText(), "the handler is told who called");
        assertEquals("coordinator relay", done.path());
        assertEquals(Boolean.FALSE, done.late());
        assertEquals(1, handler.calls.size());
        long dispatched = bob.rpcCallee().dispatched();

        // The caller asks again with the same id: the same call, nothing sent again.
        assertEquals("ok", alice.client().rpcCall(new RpcCallRequest(null, "bob", "echo", args, 30_000L, null, "relay-1")).state());

        // A retried request the coordinator does relay (a new envelope, same correlation id): answered from the cache.
        var mesh = alice.session("team");
        byte[] body = RpcWire.requestBody("echo", args);
        Envelope first = RpcWire.request(mesh, bobPub, "relay-1", body, 30_000, System.currentTimeMillis());
        Meta m = first.meta();
        Envelope retry = EnvelopeSignature.sign(new Envelope(first.v(), first.channel(), first.target(), first.from(), first.body(),
                new Meta("rpc:relay-1:retry", null, m.priority(), m.timeoutMs(), null, null, null, m.rpcCorrelationId(), null, null, null,
                        m.expiresAt(), m.createdAt()), null), mesh.identity());
        new CoordinatorRelayTransport().send(mesh, bobPub, retry).get(30, TimeUnit.SECONDS);
        await("bob counts the retry as a duplicate", WAIT, () -> bob.rpcCallee().duplicates() >= 1);
        assertEquals(dispatched, bob.rpcCallee().dispatched(), "the handler did not run again");
        assertEquals(1, handler.calls.size(), "the handler saw the request once");
        assertEquals(1, bob.rpcStore().servedCount(mesh.selfPubkey(), "relay-1"));
        assertEquals("ok", alice.client().rpcResult("relay-1", 0).state(), "the second answer changes nothing");
    }

    @Test
    @Order(2)
    void aMethodNobodyServesIsAnsweredNoHandler() {
        alice.client().rpcCall(new RpcCallRequest("team", "bob", "nobody.serves.this", null, 60_000L, null, "nohandler-1"));
        RpcCall c = settled(alice, "nohandler-1");
        assertEquals("error", c.state(), c.toString());
        assertEquals("no_handler", c.error().code());
    }

    @Test
    @Order(3)
    void aTimeoutIsReportedAndALateAnswerIsStillRecorded() {
        alice.client().rpcCall(new RpcCallRequest(null, "bob", "slow", null, 2_000L, null, "slow-1"));
        await("bob's handler has the slow call", WAIT, () -> handler.calls.stream().anyMatch(c -> "slow-1".equals(c.requestId())));
        RpcCall c = await("the call times out", Duration.ofMillis(WAIT), () -> {
            RpcCall x = alice.client().rpcResult("slow-1", 5_000);
            return "timeout".equals(x.state()) ? x : null;
        });
        assertNull(c.answeredAt());
        long callId = handler.calls.stream().filter(x -> "slow-1".equals(x.requestId())).findFirst().orElseThrow().callId();
        handler.reply(new RpcReplyRequest(callId, Json.MAPPER.getNodeFactory().textNode("finally"), null));
        RpcCall late = await("the late answer is recorded", Duration.ofMillis(WAIT), () -> {
            RpcCall x = alice.client().rpcResult("slow-1", 0);
            return "ok".equals(x.state()) ? x : null;
        });
        assertEquals("finally", late.result().asText());
        assertEquals(Boolean.TRUE, late.late());
        // An answer is final: the handler cannot answer twice.
        IpcException again = org.junit.jupiter.api.Assertions.assertThrows(IpcException.class,
                () -> handler.reply(new RpcReplyRequest(callId, null, new RpcError("x", "again"))));
        assertEquals(400, again.status());
    }

    @Test
    @Order(4)
    void anOfflinePeerFailsFastAndAQueuedCallReachesItWhenItComesBack() {
        bob.close();
        await("alice sees bob offline", WAIT, () -> {
            Frames.PeerInfo p = alice.session("team").roster().peer(bobPub);
            return p == null || !p.online();
        });
        long t0 = System.currentTimeMillis();
        RpcCall offline = alice.client().rpcCall(new RpcCallRequest(null, "bob", "echo", null, 30_000L, null, "offline-1"));
        assertEquals("peer_offline", offline.state(), offline.toString());
        assertTrue(System.currentTimeMillis() - t0 < 30_000, "fails fast, without waiting for the timeout");
        assertEquals("peer_offline", alice.client().rpcResult("offline-1", 0).state());

        // A queued call whose timeout passes while bob is away is never delivered (its expiresAt is the deadline).
        assertEquals("pending", alice.client().rpcCall(new RpcCallRequest(null, "bob", "echo", null, 1_000L, true, "stale-1")).state());
        await("the stale call times out", WAIT, () -> "timeout".equals(alice.client().rpcResult("stale-1", 2_000).state()));

        RpcCall queued = alice.client().rpcCall(new RpcCallRequest(null, "bob", "echo", Json.MAPPER.getNodeFactory().numberNode(7), 120_000L,
                true, "queued-1"));
        assertEquals("pending", queued.state());
        bob = Daemon.start(opts("bob"));
        TestHandler back = TestHandler.start(bob.client(), List.of("echo"), call ->
                new RpcReplyRequest(call.callId(), Json.MAPPER.createObjectNode().set("echo", call.args()), null));
        RpcCall c = settled(alice, "queued-1");
        assertEquals("ok", c.state(), c.toString());
        assertEquals(7, c.result().get("echo").asInt());
        assertEquals(1, back.calls.size(), "only the live call reached the handler: " + back.calls);
        String alicePub = alice.session("team").selfPubkey();
        assertEquals(0, bob.rpcStore().servedCount(alicePub, "stale-1"), "the expired request was never delivered to bob");
        assertEquals("timeout", alice.client().rpcResult("stale-1", 0).state());
    }

    /** A handler stream that ends with a call it did not answer: the caller gets handler_gone. */
    @Test
    @Order(5)
    void aHandlerStreamThatEndsWithAnUnansweredCallIsAnsweredHandlerGone() throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpResponse<java.io.InputStream> res = http.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + bob.ipcPort() + "/v1/rpc/handler?method=vanish"))
                .header("Authorization", "Bearer " + bob.token()).GET().build(), java.net.http.HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, res.statusCode());
        java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(res.body(), java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(": connected", in.readLine());
        alice.client().rpcCall(new RpcCallRequest(null, "bob", "vanish", null, 60_000L, null, "gone-1"));
        String line;
        while ((line = in.readLine()) != null && !line.startsWith("data:")) {
            // skip to the call's data line
        }
        assertTrue(line != null && line.contains("\"gone-1\""), "the handler got the call: " + line);
        res.body().close(); // the app goes away without answering
        RpcCall c = settled(alice, "gone-1");
        assertEquals("error", c.state(), c.toString());
        assertEquals("handler_gone", c.error().code());
    }

    @Test
    @Order(6)
    void aCallerTheCalleesGrantsRefuseIsToldAtOnce() {
        bob.client().post("/v1/grant", java.util.Map.of("peer", "alice", "caps", "dm"));
        await("alice's replica knows bob refuses her rpc", WAIT,
                () -> !alice.session("team").roster().grantedBy(bobPub, dev.meshwire.signaling.envelope.Channel.RPC));
        IpcException e = org.junit.jupiter.api.Assertions.assertThrows(IpcException.class,
                () -> alice.client().rpcCall(new RpcCallRequest(null, "bob", "echo", null, 30_000L, null, "refused-1")));
        assertEquals("scope_refused", e.code());
        assertEquals(403, e.status());
        assertTrue(e.getMessage().contains("does not grant you rpc"), e.getMessage());
    }

    /** Malformed or oversized input is refused with a clear 4xx naming the field, never a stack trace. */
    @Test
    @Order(7)
    void malformedAndOversizedInputIsRefusedClearly() {
        var c = alice.client();
        record Case(Object body, int status, String code, String says) {}
        String big = "x".repeat(RpcWire.MAX_BODY_BYTES);
        for (Case k : List.of(
                new Case(java.util.Map.of("peer", "bob", "method", "no spaces"), 400, "bad_request", "field 'method'"),
                new Case(java.util.Map.of("peer", "bob"), 400, "bad_request", "field 'method' is required"),
                new Case(java.util.Map.of("peer", "bob", "method", "m", "timeoutMs", 10), 400, "bad_request", "field 'timeoutMs'"),
                new Case(java.util.Map.of("peer", "bob", "method", "m", "requestId", "a|b"), 400, "bad_request", "field 'requestId'"),
                new Case(java.util.Map.of("peer", "bob", "method", "m", "args", big), 400, "message_too_large", "rpc carries at most"),
                new Case(java.util.Map.of("peer", "alice", "method", "m"), 400, "self_send", ""),
                new Case(java.util.Map.of("peer", "zed", "method", "m"), 404, "unknown_peer", ""))) {
            IpcException e = org.junit.jupiter.api.Assertions.assertThrows(IpcException.class, () -> c.post("/v1/rpc/call", k.body()));
            assertEquals(k.status(), e.status(), k + ": " + e.getMessage());
            assertEquals(k.code(), e.code(), k + ": " + e.getMessage());
            assertTrue(e.getMessage().contains(k.says()), k + ": " + e.getMessage());
        }
        for (Case k : List.of(
                new Case(java.util.Map.of("callId", 1, "result", 1, "error", java.util.Map.of("code", "x", "message", "y")), 400, "bad_request", "field 'result'"),
                new Case(java.util.Map.of("callId", 1, "error", java.util.Map.of("code", "Bad Code", "message", "y")), 400, "bad_request", "field 'error.code'"),
                new Case(java.util.Map.of("result", 1), 400, "bad_request", "field 'callId' is required"),
                new Case(java.util.Map.of("callId", 987_654, "result", 1), 404, "unknown_message", "no rpc call"))) {
            IpcException e = org.junit.jupiter.api.Assertions.assertThrows(IpcException.class, () -> bob.client().post("/v1/rpc/reply", k.body()));
            assertEquals(k.status(), e.status(), k + ": " + e.getMessage());
            assertEquals(k.code(), e.code(), k + ": " + e.getMessage());
            assertTrue(e.getMessage().contains(k.says()), k + ": " + e.getMessage());
        }
        IpcException notFound = org.junit.jupiter.api.Assertions.assertThrows(IpcException.class, () -> c.rpcResult("never-made", 0));
        assertEquals(404, notFound.status());
        IpcException badMethod = org.junit.jupiter.api.Assertions.assertThrows(IpcException.class, () -> c.get("/v1/rpc/handler?method=a%20b"));
        assertEquals(400, badMethod.status(), badMethod.getMessage());
        IpcException badWait = org.junit.jupiter.api.Assertions.assertThrows(IpcException.class, () -> c.get("/v1/rpc/calls/x?waitMs=-1"));
        assertEquals(400, badWait.status(), badWait.getMessage());
    }
}
