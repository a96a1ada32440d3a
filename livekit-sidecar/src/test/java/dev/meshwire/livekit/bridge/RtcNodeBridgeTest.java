package dev.meshwire.livekit.bridge;

import static dev.meshwire.livekit.bridge.BridgeFixture.BRIDGE;
import static dev.meshwire.livekit.bridge.BridgeFixture.KEY;
import static dev.meshwire.livekit.bridge.BridgeFixture.ROOM;
import static dev.meshwire.livekit.bridge.BridgeFixture.SECRET;
import static dev.meshwire.livekit.bridge.BridgeTestBase.MESH;
import static dev.meshwire.livekit.bridge.BridgeTestBase.WAIT_MS;
import static dev.meshwire.livekit.bridge.LiveKitBridgeTest.await;
import static dev.meshwire.livekit.bridge.LiveKitBridgeTest.count;
import static dev.meshwire.livekit.bridge.LiveKitBridgeTest.inbox;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.livekit.testserver.NodeParticipant;
import dev.meshwire.livekit.testserver.NodeRuntime;
import dev.meshwire.peer.TwoMemberMesh;
import dev.meshwire.peer.daemon.Daemon;
import dev.meshwire.peer.ipc.IpcClient;
import io.livekit.server.AccessToken;
import io.livekit.server.RoomJoin;
import io.livekit.server.RoomName;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The side-car with LiveKit's own client SDK in the room (issue #15, "test the side-car against that server with
 * {@code @livekit/rtc-node} participants"): two rtc-node participants (carol, dave: node processes, real WebRTC), the
 * stand-in server, the bridge as alice's {@code livekit-room} service, a real coordinator and a real daemon for the
 * mesh member bob. A participant's packet on the topic reaches bob once; bob's dm to {@code lk:carol} reaches carol
 * and not dave.
 */
class RtcNodeBridgeTest {
    static final Duration JOIN = Duration.ofSeconds(120);
    static final Duration DATA = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    @BeforeAll
    static void node() {
        NodeRuntime.assumeAvailable();
    }

    static String token(String identity) {
        AccessToken t = new AccessToken(KEY, SECRET);
        t.setIdentity(identity);
        t.addGrants(new RoomJoin(true), new RoomName(ROOM));
        return t.toJwt();
    }

    @Test
    void rtcNodeParticipantsTalkToAMeshMemberThroughTheSidecar() throws Exception {
        try (TwoMemberMesh mesh = TwoMemberMesh.start(tmp, WAIT_MS);
             BridgeFixture room = BridgeFixture.start(WAIT_MS)) {
            Daemon alice = mesh.alice;
            Daemon bob = mesh.bob;
            String url = room.server().url();
            try (LiveKitBridge bridge = new LiveKitBridge(new BridgeConfig(MESH, "lkbridge", "meshwire", "bob"), alice.client(), room.bridgeRoom(c -> c));
                 NodeParticipant carol = new NodeParticipant("carol", url, token("carol"));
                 NodeParticipant dave = new NodeParticipant("dave", url, token("dave"))) {
                bridge.start(WAIT_MS);
                carol.awaitEvent("connected", JOIN);
                dave.awaitEvent("connected", JOIN);
                carol.awaitKnows(BRIDGE, JOIN);
                dave.awaitKnows(BRIDGE, JOIN);
                await("the bridge sees carol and dave", () -> bridge.room().participants().join().size() == 2, bridge);

                // Room -> mesh: carol's packet on the topic reaches bob once, from alice's service, naming carol.
                IpcClient b = bob.client();
                carol.send("c1", "hello from rtc-node", true, "meshwire", List.of(), DATA);
                dave.send("d1", "not on the topic", true, "chat", List.of(), DATA);
                carol.send("c2", "marker", true, "meshwire", List.of(), DATA);
                await("bob got carol's packets", () -> count(b, "[lk:carol] marker") == 1, bridge);
                assertEquals(1, count(b, "[lk:carol] hello from rtc-node"), "shown once");
                JsonNode row = inbox(b).stream().filter(i -> "[lk:carol] hello from rtc-node".equals(i.path("text").asText())).findFirst().orElseThrow();
                assertEquals("alice/lkbridge", row.path("from").path("name").asText(), row.toString());
                assertEquals(0, inbox(b).stream().filter(i -> i.path("text").asText().contains("not on the topic")).count(), "another topic is not bridged");

                // Mesh -> room: bob's dm to lk:carol reaches carol only. The bridge's packets to one sender's
                // addressees stay in order, so once dave has the later one he would already have had carol's.
                b.post("/v1/send", Map.of("mesh", MESH, "to", "alice/lkbridge", "message", "lk:carol for carol only"));
                b.post("/v1/send", Map.of("mesh", MESH, "to", "alice/lkbridge", "message", "lk:dave for dave"));
                JsonNode got = carol.awaitData("for carol only", DATA);
                assertEquals(BRIDGE, got.path("from").asText(), got.toString());
                assertEquals("meshwire", got.path("topic").asText(), got.toString());
                assertEquals(1, got.path("kind").asInt(), "reliable: " + got);
                dave.awaitData("for dave", DATA);
                assertFalse(dave.received().contains("for carol only"), dave.received().toString());
                assertFalse(carol.received().contains("for dave"), carol.received().toString());
                await("the service inbox is empty", () -> alice.client().serviceInbox(MESH, "lkbridge", 10, false, true).items().isEmpty(), bridge);
            }
        }
    }
}
