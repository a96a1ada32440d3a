package dev.meshwire.livekit.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.livekit.bridge.BridgeFixture.Participant;
import dev.meshwire.livekit.room.RoomClient;
import dev.meshwire.livekit.room.RoomConfig;
import dev.meshwire.livekit.room.RoomData;
import dev.meshwire.peer.ipc.IpcClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The side-car end to end: a real coordinator, two real daemons (alice runs the side-car as her delegated
 * {@code livekit-room} service, bob is another member), the stand-in LiveKit server and room participants on real
 * WebRTC. Both directions, addressed delivery, waiting for an absent participant, and the refusal of a dm that
 * names nobody.
 */
class LiveKitBridgeTest extends BridgeTestBase {
    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        await(what, condition, null);
    }

    static void await(String what, BooleanSupplier condition, LiveKitBridge bridge) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what + (bridge == null ? "" : "; bridge " + bridge.stats()));
            }
            Thread.sleep(50); // polling interval of a condition wait, not a fixed delay
        }
    }

    /** The bridge to bob, once it sees the {@code participants} room participants already joined. */
    private LiveKitBridge bridgeSeeing(int participants) throws InterruptedException {
        LiveKitBridge bridge = bridge("bob");
        await("the bridge sees " + participants + " participant(s)", () -> bridge.room().participants().join().size() == participants);
        return bridge;
    }

    static List<JsonNode> inbox(IpcClient c) {
        List<JsonNode> items = new ArrayList<>();
        c.get("/v1/inbox?peek=true&limit=500").path("items").forEach(items::add);
        return items;
    }

    static long count(IpcClient c, String text) {
        return inbox(c).stream().filter(i -> text.equals(i.path("text").asText())).count();
    }

    @Test
    void roomDataReachesTheMeshAndMeshDmsReachOnlyTheirParticipant() throws Exception {
        Participant carol = room.participant("carol");
        Participant dave = room.participant("dave");
        LiveKitBridge bridge = bridgeSeeing(2);

        // Room -> mesh: carol's packet on the topic reaches bob, from alice's service, naming carol.
        carol.client.send(List.of(), "meshwire", "hello mesh".getBytes(StandardCharsets.UTF_8), "c-1").get(WAIT_MS, TimeUnit.MILLISECONDS);
        IpcClient b = mesh.bob.client();
        await("bob got carol's packet", () -> count(b, "[lk:carol] hello mesh") == 1);
        JsonNode row = inbox(b).stream().filter(i -> "[lk:carol] hello mesh".equals(i.path("text").asText())).findFirst().orElseThrow();
        assertEquals("alice/lkbridge", row.path("from").path("name").asText(), row.toString());
        // Another topic is not bridged; the same packet id again (a replay) is shown once.
        carol.client.send(List.of(), "other", "not bridged".getBytes(StandardCharsets.UTF_8)).get(WAIT_MS, TimeUnit.MILLISECONDS);
        carol.client.send(List.of(), "meshwire", "hello mesh".getBytes(StandardCharsets.UTF_8), "c-1").get(WAIT_MS, TimeUnit.MILLISECONDS);
        carol.client.send(List.of(), "meshwire", "marker".getBytes(StandardCharsets.UTF_8), "c-2").get(WAIT_MS, TimeUnit.MILLISECONDS);
        await("bob got the marker", () -> count(b, "[lk:carol] marker") == 1, bridge);
        assertEquals(1, count(b, "[lk:carol] hello mesh"), "a replayed packet id is shown once");
        assertEquals(0, inbox(b).stream().filter(i -> i.path("text").asText().contains("not bridged")).count());

        // Mesh -> room: bob's dm "lk:carol ..." to the service reaches carol only.
        b.post("/v1/send", Map.of("mesh", MESH, "to", "alice/lkbridge", "message", "lk:carol hi carol"));
        await("carol got bob's dm", () -> carol.find("hi carol") != null, bridge);
        assertEquals("meshwire-bridge", carol.find("hi carol").fromIdentity());
        assertEquals("meshwire", carol.find("hi carol").topic());
        b.post("/v1/send", Map.of("mesh", MESH, "to", "alice/lkbridge", "message", "lk:dave hi dave"));
        await("dave got his", () -> dave.find("hi dave") != null);
        assertFalse(dave.texts().contains("hi carol"), dave.texts().toString());
        assertFalse(carol.texts().contains("hi dave"), carol.texts().toString());
        await("the service inbox is empty again", () -> mesh.alice.client().serviceInbox(MESH, "lkbridge", 10, false, true).items().isEmpty());

        // A participant not in the room yet: the dm waits in the service inbox and flows when she joins.
        b.post("/v1/send", Map.of("mesh", MESH, "to", "alice/lkbridge", "message", "lk:erin waiting for you"));
        await("the dm for erin waits in the service inbox", () -> mesh.alice.client().serviceInbox(MESH, "lkbridge", 10, false, true).items().size() == 1);
        Participant erin = room.participant("erin");
        await("erin got it once she joined", () -> erin.find("waiting for you") != null);
        await("and it left the service inbox", () -> mesh.alice.client().serviceInbox(MESH, "lkbridge", 10, false, true).items().isEmpty());

        // A dm naming nobody is answered with the reason and not kept.
        b.post("/v1/send", Map.of("mesh", MESH, "to", "alice/lkbridge", "message", "hello?"));
        await("bob is told why", () -> inbox(b).stream().anyMatch(i -> i.path("text").asText().startsWith(
                "[livekit side-car] not delivered: a message to the LiveKit side-car must start with lk:<participant identity>")));
        await("the counters settled", () -> bridge.stats().meshToRoom() == 3 && bridge.stats().refused() == 1, bridge);
        BridgeStats s = bridge.stats();
        assertEquals(2, s.roomToMesh(), s.toString());
        assertEquals(1, s.duplicates(), s.toString());
        assertEquals(0, s.dropped(), s.toString());
    }

    @Test
    void aRoomDropLosesNothingAndShowsNothingTwiceOnTheMeshSide() throws Exception {
        Participant carol = room.participant("carol");
        LiveKitBridge bridge = bridgeSeeing(1);
        IpcClient b = mesh.bob.client();
        int n = 500;

        // Mesh -> room across a drop of the room connection: the dms wait in the service inbox while the room is
        // away and flow after the re-join. At least once: a packet in flight at the drop may come twice, with the
        // same UserPacket.id (the mesh message's id), so carol can drop the copy.
        for (int i = 0; i < n / 2; i++) b.post("/v1/send", Map.of("mesh", MESH, "to", "alice/lkbridge", "message", "lk:carol m" + i));
        await("carol got some", () -> carol.texts().stream().anyMatch(t -> t.startsWith("m")), bridge);
        bridge.room().dropConnection("test: signal drop");
        for (int i = n / 2; i < n; i++) b.post("/v1/send", Map.of("mesh", MESH, "to", "alice/lkbridge", "message", "lk:carol m" + i));
        await("carol got all " + n, () -> carol.texts().stream().filter(t -> t.startsWith("m")).distinct().count() == n, bridge);
        assertEquals(2, bridge.stats().roomJoins(), "one re-join");
        synchronized (carol) {
            java.util.Map<String, java.util.Set<String>> idsByText = new java.util.HashMap<>();
            for (RoomData d : carol.got) {
                idsByText.computeIfAbsent(new String(d.payload(), StandardCharsets.UTF_8), k -> new java.util.HashSet<>()).add(d.packetId());
            }
            idsByText.forEach((text, ids) -> assertEquals(1, ids.size(), "copies of '" + text + "' carry one packet id: " + ids));
        }
        await("the service inbox is empty", () -> mesh.alice.client().serviceInbox(MESH, "lkbridge", 10, false, true).items().isEmpty(), bridge);

        // Room -> mesh after the re-join: every packet once in bob's inbox.
        sendAllSettled(carol.client, 0, n);
        await("bob got all " + n, () -> inbox(b).stream().filter(i -> i.path("text").asText().startsWith("[lk:carol] r")).count() == n, bridge);
        assertEquals(n, inbox(b).stream().map(i -> i.path("text").asText()).filter(t -> t.startsWith("[lk:carol] r")).distinct().count());
    }

    /**
     * Sends {@code r<from>..r<to-1>} (packet ids {@code r-<i>}) until each settled, re-sending those refused while the
     * client was away: what a room app does while its connection is being re-established.
     */
    static void sendAllSettled(RoomClient c, int from, int to) throws Exception {
        sendAllSettled(c, new ArrayList<>(java.util.stream.IntStream.range(from, to).boxed().toList()));
    }

    static void sendAllSettled(RoomClient c, List<Integer> todo) throws Exception {
        List<Integer> left = todo;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        while (!left.isEmpty()) {
            if (System.nanoTime() > deadline) throw new AssertionError("never settled: " + left);
            if (!c.isConnected()) {
                Thread.sleep(50); // polling until the client re-joined
                continue;
            }
            Map<Integer, java.util.concurrent.CompletableFuture<Void>> sends = new java.util.LinkedHashMap<>();
            for (int i : left) sends.put(i, c.send(List.of(), "meshwire", ("r" + i).getBytes(StandardCharsets.UTF_8), "r-" + i));
            List<Integer> failed = new ArrayList<>();
            for (var e : sends.entrySet()) {
                try {
                    e.getValue().get(WAIT_MS, TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.ExecutionException x) {
                    failed.add(e.getKey());
                }
            }
            left = failed;
        }
    }

    /**
     * Traffic both ways at once, for each {@code i} in {@code [from, to)}: bob's dm {@code lk:carol m<i>} to the
     * service, then carol's packet {@code r<i>} (id {@code r-<i>}) on the topic. Returns carol's sends, in order.
     */
    static List<java.util.concurrent.CompletableFuture<Void>> bothWays(IpcClient b, Participant carol, int from, int to) {
        List<java.util.concurrent.CompletableFuture<Void>> sends = new ArrayList<>();
        for (int i = from; i < to; i++) {
            b.post("/v1/send", Map.of("mesh", MESH, "to", "alice/lkbridge", "message", "lk:carol m" + i));
            sends.add(carol.client.send(List.of(), "meshwire", ("r" + i).getBytes(StandardCharsets.UTF_8), "r-" + i));
        }
        return sends;
    }

    /**
     * Waits until carol has the {@code n} distinct mesh messages {@code m<i>}, bob has {@code n} of carol's room
     * messages and the service inbox is empty; then asserts that each room message is in bob's inbox exactly once.
     */
    private void awaitAllOnceInTheMesh(Participant carol, IpcClient b, int n, LiveKitBridge bridge) throws InterruptedException {
        await("carol got all " + n + " mesh messages", () -> carol.texts().stream().filter(t -> t.startsWith("m")).distinct().count() == n, bridge);
        await("bob got all " + n + " room messages", () -> inbox(b).stream().filter(i -> i.path("text").asText().startsWith("[lk:carol] r")).count() >= n, bridge);
        await("the service inbox is empty", () -> mesh.alice.client().serviceInbox(MESH, "lkbridge", 10, false, true).items().isEmpty(), bridge);
        List<String> fromRoom = inbox(b).stream().map(i -> i.path("text").asText()).filter(t -> t.startsWith("[lk:carol] r")).toList();
        assertEquals(n, fromRoom.size(), "nothing twice in the mesh");
        assertEquals(n, fromRoom.stream().distinct().count());
    }

    @Test
    void aRoomServerRestartMidTrafficLosesNothingAndShowsNothingTwice() throws Exception {
        Participant carol = room.participant("carol");
        LiveKitBridge bridge = bridgeSeeing(1);
        IpcClient b = mesh.bob.client();
        int n = 500;

        List<java.util.concurrent.CompletableFuture<Void>> firstHalf = bothWays(b, carol, 0, n / 2);
        // Kill the room server mid-traffic (packets still settling) and start a new one on the same port.
        room.stopServer();
        for (int i = n / 2; i < n; i++) b.post("/v1/send", Map.of("mesh", MESH, "to", "alice/lkbridge", "message", "lk:carol m" + i));
        room.startServerAgain();
        // A room app sends once the side-car is in the room again: the new server forwards nothing to a participant
        // that has not re-joined yet, and LiveKit has no acknowledgement that would tell carol (docs/livekit.md
        // "What can still be lost").
        await("carol re-joined and sees the side-car in the new room", () -> carol.client.stats().joins() >= 2 && carol.client.isConnected()
                && carol.client.participants().join().stream().anyMatch(p -> "meshwire-bridge".equals(p.identity())), bridge);
        // What of the first half did not settle before the kill is sent again after the re-join; then the second half.
        List<Integer> again = new ArrayList<>();
        for (int i = 0; i < firstHalf.size(); i++) {
            try {
                firstHalf.get(i).get(WAIT_MS, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                again.add(i);
            }
        }
        sendAllSettled(carol.client, again);
        sendAllSettled(carol.client, n / 2, n);

        awaitAllOnceInTheMesh(carol, b, n, bridge);
        assertTrue(bridge.stats().roomJoins() >= 2, bridge.stats().toString());
        await("each row forwarded and deleted once", () -> bridge.stats().meshToRoom() == n, bridge);
    }
    /** UTF-8 text of at least {@code bytes} bytes with multi-byte characters (chunk cuts fall inside characters). */
    static String bigText(String tag, int bytes) {
        StringBuilder b = new StringBuilder(tag);
        for (int i = 0; b.length() * 2 < bytes; i++) b.append(" ").append(i).append(" grüße ✓ ").append("z".repeat(30));
        return b.toString();
    }

    @Test
    void largePayloadsCrossAsLiveKitDataStreams() throws Exception {
        Participant carol = room.participant("carol");
        LiveKitBridge bridge = bridgeSeeing(1);
        IpcClient b = mesh.bob.client();

        // Room -> mesh: carol's 50 KB text stream (over a data packet's 15 KiB) is one mesh message; the same stream
        // id again (a replay) is shown once.
        String up = bigText("up", 50_000);
        byte[] upBytes = up.getBytes(StandardCharsets.UTF_8);
        assertTrue(upBytes.length > RoomConfig.DEFAULT_MAX_PAYLOAD);
        carol.client.sendStream(List.of(), "meshwire", upBytes, "cs-1", true, null).get(WAIT_MS, TimeUnit.MILLISECONDS);
        await("bob got carol's stream as one message", () -> count(b, "[lk:carol] " + up) == 1, bridge);
        carol.client.sendStream(List.of(), "meshwire", upBytes, "cs-1", true, null).get(WAIT_MS, TimeUnit.MILLISECONDS);
        carol.client.send(List.of(), "meshwire", "marker".getBytes(StandardCharsets.UTF_8), "c-m").get(WAIT_MS, TimeUnit.MILLISECONDS);
        await("bob got the marker", () -> count(b, "[lk:carol] marker") == 1, bridge);
        assertEquals(1, count(b, "[lk:carol] " + up), "a replayed stream id is shown once");

        // Mesh -> room: a 40 KB dm goes to carol as a text data stream, whole.
        String down = bigText("down", 40_000);
        b.post("/v1/send", Map.of("mesh", MESH, "to", "alice/lkbridge", "message", "lk:carol " + down));
        await("carol got the large dm", () -> carol.find(down) != null, bridge);
        assertEquals("meshwire-bridge", carol.find(down).fromIdentity());
        await("the service inbox is empty again", () -> mesh.alice.client().serviceInbox(MESH, "lkbridge", 10, false, true).items().isEmpty());

        // Over the data stream limit (256 KiB): answered to the sender, nothing reaches the room.
        String huge = "h".repeat(RoomConfig.DEFAULT_MAX_STREAM + 1);
        b.post("/v1/send", Map.of("mesh", MESH, "to", "alice/lkbridge", "message", "lk:carol " + huge));
        await("bob was told it was not delivered", () -> inbox(b).stream().anyMatch(i -> i.path("text").asText()
                .startsWith("[livekit side-car] not delivered: a payload of " + (RoomConfig.DEFAULT_MAX_STREAM + 1) + " bytes exceeds")), bridge);
        assertTrue(carol.texts().stream().noneMatch(t -> t.startsWith("hhh")), "nothing of the refused payload reached carol");
        assertEquals(1, carol.client.streamStats().received(), carol.client.streamStats().toString());
    }

    @Test
    void aSignalDropMidTrafficResumesAndLosesNothingAndShowsNothingTwice() throws Exception {
        Participant carol = room.participant("carol");
        LiveKitBridge bridge = bridgeSeeing(1);
        IpcClient b = mesh.bob.client();
        int n = 300;

        // Both directions in flight when the server drops the bridge's signal connection (no leave: a network
        // failure); the bridge resumes on the same peer connections.
        List<java.util.concurrent.CompletableFuture<Void>> up = bothWays(b, carol, 0, n / 2);
        assertTrue(room.server().dropSignal("room1", "meshwire-bridge"));
        up.addAll(bothWays(b, carol, n / 2, n));
        for (var f : up) f.get(WAIT_MS, TimeUnit.MILLISECONDS); // carol's connection was never touched
        await("the bridge resumed", () -> bridge.room().resumes() == 1, bridge);

        awaitAllOnceInTheMesh(carol, b, n, bridge);
        assertEquals(n, carol.texts().stream().filter(t -> t.startsWith("m")).count(), "no copies at carol: the channel never closed");
        assertEquals(1, bridge.stats().roomJoins(), "resumed, not re-joined: " + bridge.stats());
        assertEquals(1, room.server().resumesAccepted());
    }
}
