package dev.meshwire.livekit.testserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.livekit.bridge.BridgeConfig;
import dev.meshwire.livekit.bridge.BridgeFixture;
import dev.meshwire.livekit.bridge.LiveKitBridge;
import dev.meshwire.peer.TwoMemberMesh;
import dev.meshwire.peer.daemon.Daemon;
import dev.meshwire.peer.ipc.IpcClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole side-car (a real coordinator, two real daemons, the bridge as alice's delegated service) with a
 * {@code @livekit/rtc-node} 1.1.0 participant in the room: large payloads both ways as LiveKit data streams, and a
 * resume of the bridge's room session. Lives in the stand-in's package because the node participant helper does.
 */
class RtcNodeSidecarTest {
    static final String MESH = TwoMemberMesh.MESH;
    static final Duration JOIN = RtcNodeRoundTripTest.JOIN;
    static final Duration DATA = RtcNodeRoundTripTest.DATA;

    @TempDir
    Path tmp;

    @BeforeAll
    static void node() {
        NodeRuntime.assumeAvailable();
    }

    static void until(String what, BooleanSupplier cond) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting until " + what);
            Thread.sleep(50); // polling interval of a condition wait
        }
    }

    static long count(IpcClient c, String text) {
        List<JsonNode> items = new ArrayList<>();
        c.get("/v1/inbox?peek=true&limit=500").path("items").forEach(items::add);
        return items.stream().filter(i -> text.equals(i.path("text").asText())).count();
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void largePayloadsAndAResumeBetweenTheSidecarAndAnRtcNodeParticipant() throws Exception {
        try (TwoMemberMesh mesh = TwoMemberMesh.start(tmp, 90_000);
             BridgeFixture room = BridgeFixture.start(JOIN.toMillis())) {
            Daemon alice = mesh.alice;
            Daemon bob = mesh.bob;
            StandInServer server = room.server();
            try (NodeParticipant carol = new NodeParticipant("carol", server.url(), RtcNodeRoundTripTest.token("carol", "room1", BridgeFixture.SECRET));
                 LiveKitBridge bridge = new LiveKitBridge(new BridgeConfig(MESH, "lkbridge", "meshwire", "bob"), alice.client(), room.bridgeRoom(c -> c))) {
                carol.awaitEvent("connected", JOIN);
                carol.listenStreams("meshwire", DATA);
                bridge.start(JOIN.toMillis());
                carol.awaitKnows("meshwire-bridge", JOIN);
                until("the bridge sees carol", () -> bridge.room().participants().join().size() == 1);
                IpcClient b = bob.client();

                // rtc-node sendText (50 KB) -> one mesh message at bob, from the service, naming carol.
                String text = "grüße ✓ ".repeat(5_000);
                JsonNode sent = carol.sendText("t1", text, "meshwire", List.of("meshwire-bridge"), DATA);
                assertEquals("sent", sent.path("event").asText(), sent.toString());
                until("bob got carol's text stream", () -> count(b, "[lk:carol] " + text) == 1);
                // rtc-node streamBytes (30 000 random bytes, not UTF-8) -> base64 in one mesh message.
                byte[] bytes = new byte[30_000];
                new Random(3).nextBytes(bytes);
                sent = carol.sendBytes("b1", bytes, "blob.bin", "meshwire", List.of("meshwire-bridge"), DATA);
                assertEquals("sent", sent.path("event").asText(), sent.toString());
                until("bob got carol's byte stream", () -> count(b, "[lk:carol b64] " + Base64.getEncoder().encodeToString(bytes)) == 1);

                // A 40 KB mesh dm -> rtc-node's text stream handler, whole, from the bridge.
                String down = "zurück ✓ ".repeat(4_000);
                b.post("/v1/send", Map.of("mesh", MESH, "to", "alice/lkbridge", "message", "lk:carol " + down));
                JsonNode rx = carol.await("the large dm as a text stream", e -> "text-stream".equals(e.path("event").asText()), DATA);
                assertEquals("meshwire-bridge", rx.path("from").asText(), rx.toString());
                assertEquals(sha256(down.getBytes(StandardCharsets.UTF_8)), rx.path("sha256").asText(), rx.toString());

                // The bridge's signal connection drops: it resumes, and small messages flow both ways after it.
                assertTrue(server.dropSignal("room1", "meshwire-bridge"));
                until("the bridge resumed", () -> bridge.room().resumes() == 1);
                b.post("/v1/send", Map.of("mesh", MESH, "to", "alice/lkbridge", "message", "lk:carol after the resume"));
                carol.awaitData("after the resume", DATA);
                carol.send("c1", "carol after the resume", true, "meshwire", List.of(), DATA);
                until("bob got carol's packet after the resume", () -> count(b, "[lk:carol] carol after the resume") == 1);
                assertEquals(1, bridge.stats().roomJoins(), "resumed, not re-joined");
                assertEquals(1, count(b, "[lk:carol] " + text), "the text stream is in the mesh once");
            }
        }
    }
}
