package dev.meshwire.livekit.bridge;

import static dev.meshwire.livekit.bridge.LiveKitBridgeTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.livekit.bridge.BridgeFixture.Participant;
import dev.meshwire.peer.ipc.IpcClient;
import dev.meshwire.peer.ipc.IpcException;
import dev.meshwire.peer.ipc.api.PeerItem;
import dev.meshwire.peer.ipc.api.ServiceRegisterRequest;
import dev.meshwire.peer.ipc.api.SubpeersRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Room participants as mesh peers, end to end (docs/livekit.md "Identity and mapping", docs/protocol.md §6.5): a real
 * coordinator, two real daemons (alice runs the side-car as her delegated {@code livekit-room} service, bob is another
 * member), the stand-in LiveKit server and room participants on real WebRTC. A participant joins → bob's {@code peers}
 * lists {@code lk:alice} online under the service and his system feed says she joined; {@code send lk:alice} reaches
 * her only; a room re-join publishes the full set again without news; she leaves → offline and a system entry; the
 * side-car stops → nobody is reachable through it. A member that holds no such service cannot publish presence.
 */
class SubpeerPresenceTest extends BridgeTestBase {
    static PeerItem subpeer(IpcClient c, String name) {
        return c.peers(MESH).items().stream().filter(p -> name.equals(p.name()) && "subpeer".equals(p.role())).findFirst().orElse(null);
    }

    static boolean online(IpcClient c, String name) {
        PeerItem p = subpeer(c, name);
        return p != null && p.online();
    }

    static List<String> systemTexts(IpcClient c) {
        List<String> out = new ArrayList<>();
        c.get("/v1/inbox?kind=system&peek=true&limit=500").path("items").forEach(i -> out.add(i.path("text").asText()));
        return out;
    }

    static long count(List<String> texts, String text) {
        return texts.stream().filter(text::equals).count();
    }

    @Test
    void participantsAreAddressablePeersWithPresenceAndSystemEvents() throws Exception {
        LiveKitBridge bridge = bridge("bob");
        IpcClient b = mesh.bob.client();
        await("bob sees the service online", () -> b.peers(MESH).items().stream()
                .anyMatch(p -> "alice/lkbridge".equals(p.name()) && p.online()), bridge);
        String serviceKey = b.peers(MESH).items().stream().filter(p -> "alice/lkbridge".equals(p.name())).findFirst().orElseThrow().pubkey();

        // A participant joins: bob's peers list lk:alice online under the service, and his system feed says so.
        Participant pa = room.participant("alice");
        Participant dave = room.participant("dave");
        await("bob's peers show lk:alice online", () -> online(b, "lk:alice"), bridge);
        PeerItem row = subpeer(b, "lk:alice");
        assertEquals(serviceKey, row.pubkey(), "a dm to her goes to the service key");
        assertEquals(serviceKey, row.parent());
        await("bob's system feed says she joined", () -> count(systemTexts(b), "lk:alice joined the room via alice/lkbridge") == 1, bridge);
        JsonNode entry = null;
        for (JsonNode i : b.get("/v1/inbox?kind=system&peek=true&limit=500").path("items")) {
            if (i.path("text").asText().equals("lk:alice joined the room via alice/lkbridge")) entry = i;
        }
        assertEquals("subpeer_joined", entry.path("eventKind").asText(), entry.toString());
        assertEquals("alice/lkbridge", entry.path("from").path("name").asText(), entry.toString());

        // send lk:alice (the one name resolver): a dm to the service naming her in meta.subpeer, sent to her only.
        JsonNode sent = b.post("/v1/send", Map.of("mesh", MESH, "to", "lk:alice", "message", "hi alice"));
        assertEquals("lk:alice via alice/lkbridge", sent.path("recipients").get(0).path("name").asText(), sent.toString());
        await("participant alice got it", () -> pa.find("hi alice") != null, bridge);
        assertEquals("meshwire", pa.find("hi alice").topic());
        assertEquals("meshwire-bridge", pa.find("hi alice").fromIdentity());
        // The old text prefix still works, and a marker shows dave never got alice's packet.
        b.post("/v1/send", Map.of("mesh", MESH, "to", "alice/lkbridge", "message", "lk:dave hi dave"));
        await("dave got his", () -> dave.find("hi dave") != null, bridge);
        assertFalse(dave.texts().contains("hi alice"), dave.texts().toString());
        assertFalse(pa.texts().contains("hi dave"), pa.texts().toString());

        // The bridge's room connection drops and re-joins: the full set is published again; nobody joined or left.
        bridge.room().dropConnection("test: signal drop");
        await("the bridge re-joined", () -> bridge.stats().roomJoins() >= 2 && bridge.room().isConnected(), bridge);
        b.post("/v1/send", Map.of("mesh", MESH, "to", "lk:dave", "message", "after the re-join"));
        await("dave got it after the re-join", () -> dave.find("after the re-join") != null, bridge);
        assertTrue(online(b, "lk:alice") && online(b, "lk:dave"));
        assertEquals(1, count(systemTexts(b), "lk:alice joined the room via alice/lkbridge"), "a re-join is no news");
        assertEquals(0, systemTexts(b).stream().filter(t -> t.startsWith("lk:alice left")).count());

        // She leaves: offline (still addressable: a dm waits in the service inbox), and a system entry.
        pa.client.close();
        await("bob's peers show lk:alice offline", () -> {
            PeerItem p = subpeer(b, "lk:alice");
            return p != null && !p.online();
        }, bridge);
        await("bob's system feed says she left", () -> count(systemTexts(b), "lk:alice left the room via alice/lkbridge") == 1, bridge);
        assertTrue(online(b, "lk:dave"), "dave is still there");

        // A member that holds no such service cannot publish presence: refused with a clear error.
        IpcException notHeld = assertThrows(IpcException.class, () -> b.serviceSubpeers("lkbridge", new SubpeersRequest(MESH, List.of("lk:mallory"))));
        assertEquals("unknown_service", notHeld.code());
        mesh.bob.client().registerService(new ServiceRegisterRequest(MESH, "bot", "bot", "dm:read,dm:write", null, true));
        IpcException wrongType = assertThrows(IpcException.class, () -> b.serviceSubpeers("bot", new SubpeersRequest(MESH, List.of("lk:mallory"))));
        assertEquals("scope_refused", wrongType.code());
        assertEquals("service 'bot' is of type bot; only livekit, livekit-room services may front sub-peers", wrongType.getMessage());
        assertEquals(null, subpeer(mesh.alice.client(), "lk:mallory"), "nothing was published");

        // The side-car stops: it leaves the room and clears its set, so nobody is reachable through it.
        bridge.close();
        await("bob's peers show lk:dave offline", () -> {
            PeerItem p = subpeer(b, "lk:dave");
            return p != null && !p.online();
        });
    }
}
