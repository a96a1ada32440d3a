package dev.meshwire.peer.rpc;

import static dev.meshwire.peer.TestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.coordinator.Coordinator;
import dev.meshwire.coordinator.CoordinatorConfig;
import dev.meshwire.peer.TestSupport;
import dev.meshwire.peer.daemon.Daemon;
import dev.meshwire.peer.daemon.DaemonOptions;
import dev.meshwire.peer.ipc.api.CreateMeshRequest;
import dev.meshwire.peer.ipc.api.RpcCall;
import dev.meshwire.peer.ipc.api.RpcCallRequest;
import dev.meshwire.peer.ipc.api.RpcReplyRequest;
import dev.meshwire.peer.outbox.OutboxStore;
import dev.meshwire.peer.p2p.ChannelPayload;
import dev.meshwire.peer.p2p.MeshDirect;
import dev.meshwire.peer.p2p.SessionState;
import dev.meshwire.signaling.Json;
import dev.meshwire.signaling.envelope.Envelope;
import dev.meshwire.signaling.frame.Frames;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * rpc over a real WebRTC data channel: once alice's channel to bob is open, the request and the answer both go direct
 * (the answer's path says so, and so does alice's outbox receipt of the request). The very same request envelope
 * written into the channel again (as a retrying or modified client would) is acked by bob's daemon, answered from the
 * cache, and never reaches the handler a second time.
 */
class RpcDirectTest {
    static final long WAIT = 60_000;
    @TempDir
    Path tmp;
    Coordinator coord;
    Daemon alice, bob;

    @AfterEach
    void tearDown() {
        for (Daemon d : new Daemon[] {bob, alice}) if (d != null) d.close();
        if (coord != null) coord.close();
    }

    @Test
    void aRoundTripOverADirectChannelAndTheSameRequestAgainRunsTheHandlerOnce() throws Exception {
        TestSupport.requireWebRtc();
        coord = Coordinator.start(CoordinatorConfig.defaults(tmp.resolve("coord")).withListen("127.0.0.1", 0).withStunPort(-1));
        alice = Daemon.start(DaemonOptions.of(tmp.resolve("alice")));
        bob = Daemon.start(DaemonOptions.of(tmp.resolve("bob")));
        var created = alice.client().createMesh(new CreateMeshRequest("team", coord.publicUrl(), "alice", coord.adminToken()));
        String bobPub = bob.client().join(created.invite(), "bob").mesh().pubkey();
        await("alice sees bob online", WAIT, () -> {
            Frames.PeerInfo p = alice.session("team").roster().peer(bobPub);
            return p != null && p.online();
        });
        String meshId = alice.session("team").config().meshId();
        await("alice's engine exists", WAIT, () -> alice.direct().get(meshId) != null);
        MeshDirect ad = alice.direct().get(meshId);
        await("direct channel open", WAIT, () -> {
            ad.engine().connect(bobPub);
            return ad.engine().state(bobPub) == SessionState.OPEN;
        });
        String alicePub = alice.session("team").selfPubkey();
        await("bob's side of the channel is open", WAIT, () -> bob.direct().get(meshId) != null
                && bob.direct().get(meshId).engine().state(alicePub) == SessionState.OPEN);
        TestHandler handler = TestHandler.start(bob.client(), List.of("sum"), call -> {
            int s = 0;
            for (var n : call.args()) s += n.asInt();
            return new RpcReplyRequest(call.callId(), Json.MAPPER.getNodeFactory().numberNode(s), null);
        });

        alice.client().rpcCall(new RpcCallRequest(null, "bob", "sum", Json.MAPPER.readTree("[1,2,3,4]"), 30_000L, null, "direct-1"));
        RpcCall c = await("the call settles", Duration.ofMillis(WAIT), () -> {
            RpcCall x = alice.client().rpcResult("direct-1", 10_000);
            return "pending".equals(x.state()) ? null : x;
        });
        assertEquals("ok", c.state(), c.toString());
        assertEquals(10, c.result().asInt());
        assertTrue(c.path().startsWith("direct"), "the answer came over the data channel: " + c.path());
        OutboxStore.Request sent = alice.outboxStore().find(RpcWire.REQUEST_PREFIX + "direct-1");
        assertTrue(sent.copies().get(0).messageId().startsWith("p2p:"), "the request went direct: " + sent.copies().get(0));

        // The same request envelope into the channel again: acked, answered from the cache, handler not run.
        long dispatched = bob.rpcCallee().dispatched();
        long inboundDuplicates = bob.inbound().duplicates(), inboundAccepted = bob.inbound().accepted();
        Envelope env = Json.MAPPER.readValue(sent.copies().get(0).envelopeJson(), Envelope.class);
        ad.engine().send(bobPub, ChannelPayload.envelope(env)).get(30, TimeUnit.SECONDS);
        await("bob counts it as a duplicate", WAIT, () -> bob.rpcCallee().duplicates() == 1);
        assertEquals(dispatched, bob.rpcCallee().dispatched());
        await("the daemon counts the redelivery as a duplicate", WAIT, () -> bob.inbound().duplicates() == inboundDuplicates + 1);
        assertEquals(inboundAccepted, bob.inbound().accepted(), "not as a new delivery");
        assertEquals(1, handler.calls.size(), "the handler ran once");
        await("bob's cached answer went out again", WAIT, () -> bob.outboxStore().list(List.of(OutboxStore.State.DONE), 100).stream()
                .filter(r -> "rpc".equals(r.channel())).count() == 2);
        assertEquals("ok", alice.client().rpcResult("direct-1", 0).state());
        assertEquals(10, alice.client().rpcResult("direct-1", 0).result().asInt());
    }
}
