package dev.meshwire.livekit.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.livekit.testserver.StandInServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The side-car's LiveKit room client against the stand-in server (itself proven against @livekit/rtc-node):
 * real signal WebSockets, real webrtc-java PeerConnections on both sides.
 */
class RoomClientTest {
    static final String KEY = "devkey";
    static final String SECRET = "standin-secret-of-at-least-thirty-two-bytes";
    /** Generous: ICE and DTLS on a loaded 2-core machine. */
    static final Duration WAIT = Duration.ofSeconds(90);

    private StandInServer server;
    private final List<RoomClient> clients = new ArrayList<>();

    @BeforeEach
    void startServer() throws Exception {
        server = new StandInServer(KEY, SECRET);
        server.start();
    }

    @AfterEach
    void stop() throws Exception {
        clients.forEach(RoomClient::close);
        server.close();
    }

    private RoomClient client(String identity, String room, Recorder rec, RoomToken token) {
        RoomClient c = new RoomClient(RoomConfig.of(server.url(), room, identity), token, rec);
        clients.add(c);
        return c;
    }

    private RoomClient joined(String identity, String room, Recorder rec) throws Exception {
        RoomClient c = client(identity, room, rec, new RoomToken.Minted(KEY, SECRET, room, identity, Duration.ofHours(1)));
        c.start().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        return c;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void addressedPacketsReachOnlyTheirDestinationAndPresenceIsReported() throws Exception {
        Recorder a = new Recorder();
        Recorder b = new Recorder();
        Recorder c = new Recorder();
        RoomClient alice = joined("alice", "r1", a);
        RoomClient bob = joined("bob", "r1", b);
        RoomClient carol = joined("carol", "r1", c);
        a.awaitEvent("joined bob", WAIT);
        a.awaitEvent("joined carol", WAIT);
        c.awaitEvent("joined alice", WAIT);

        alice.send(List.of("bob"), "meshwire", utf8("only for bob"), "p1").get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        RoomData got = b.awaitText("only for bob", WAIT);
        assertEquals("alice", got.fromIdentity());
        assertEquals("meshwire", got.topic());
        assertEquals("p1", got.packetId());
        assertTrue(got.reliable());
        // Reliable packets from one sender arrive in order: once carol has the later broadcast, she would have had
        // the addressed one too if it had leaked to her.
        alice.send(List.of(), "meshwire", utf8("to everyone")).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        c.awaitText("to everyone", WAIT);
        b.awaitText("to everyone", WAIT);
        assertFalse(c.texts().contains("only for bob"), "carol got bob's packet: " + c.texts());

        // Many in a row: each completes only once accepted, all arrive in order.
        List<CompletableFuture<Void>> sends = new ArrayList<>();
        for (int i = 0; i < 200; i++) sends.add(bob.send(List.of("alice"), "meshwire", utf8("n" + i)));
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        a.awaitText("n199", WAIT);
        assertEquals(IntStream.range(0, 200).mapToObj(i -> "n" + i).toList(),
                a.texts().stream().filter(t -> t.startsWith("n")).toList());
        assertEquals(200 + 0, bob.stats().packetsOut());

        carol.close();
        a.awaitEvent("left carol", WAIT);
        b.awaitEvent("left carol", WAIT);
    }

    @Test
    void aBadTokenIsRefusedWithTheServersReason() throws Exception {
        Recorder r = new Recorder();
        RoomClient c = client("mallory", "r1", r, new RoomToken.Minted(KEY, "not-the-secret-of-at-least-thirty-two-bytes", "r1", "mallory", Duration.ofHours(1)));
        ExecutionException e = assertThrows(ExecutionException.class, () -> c.start().get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        RoomException re = assertInstanceOf(RoomException.class, e.getCause());
        assertTrue(re.refused(), re.getMessage());
        assertTrue(re.getMessage().startsWith("the LiveKit server refused the join (HTTP 401): invalid access token"), re.getMessage());
        r.awaitEvent("disconnected false " + re.getMessage(), WAIT);
        assertEquals(0, server.participants("r1"));
    }

    @Test
    void aRoomThatRefusesTheJoinIsAClearError() throws Exception {
        server.refuseJoins("closed", "room closed does not exist");
        Recorder r = new Recorder();
        RoomClient c = client("alice", "closed", r, new RoomToken.Minted(KEY, SECRET, "closed", "alice", Duration.ofHours(1)));
        ExecutionException e = assertThrows(ExecutionException.class, () -> c.start().get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        RoomException re = assertInstanceOf(RoomException.class, e.getCause());
        assertTrue(re.refused(), re.getMessage());
        assertTrue(re.getMessage().startsWith("the LiveKit server refused the join (HTTP 404)"), re.getMessage());
        // another room on the same server is unaffected
        joined("alice", "open", new Recorder());
        assertEquals(1, server.participants("open"));
    }

    @Test
    void anOversizedPacketIsRefusedBeforeSending() throws Exception {
        RoomClient alice = joined("alice", "r2", new Recorder());
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> alice.send(List.of(), "meshwire", new byte[RoomConfig.DEFAULT_MAX_PAYLOAD + 1]).get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        assertEquals("a data packet of 15361 bytes exceeds the room's limit of 15360 bytes", e.getCause().getMessage());
        assertEquals(0, alice.stats().packetsOut());
    }

    @Test
    void afterADropTheClientRejoinsAndPresenceAndDataWorkAgain() throws Exception {
        Recorder a = new Recorder();
        Recorder b = new Recorder();
        RoomClient alice = joined("alice", "r3", a);
        RoomClient bob = joined("bob", "r3", b);
        a.awaitEvent("joined bob", WAIT);

        alice.dropConnection("test: network drop");
        a.await(r -> r.events.stream().anyMatch(e -> e.startsWith("disconnected true")), WAIT, "the drop");
        a.await(r -> r.events.stream().filter(e -> e.equals("connected")).count() == 2, WAIT, "the re-join");
        assertEquals(2, alice.stats().joins());
        // bob is still there after the re-join: no spurious leave/join of bob for alice
        assertEquals(1, a.events().stream().filter(e -> e.equals("joined bob")).count(), a.events().toString());
        assertFalse(a.events().contains("left bob"), a.events().toString());

        bob.send(List.of("alice"), "meshwire", utf8("after the drop")).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        a.awaitText("after the drop", WAIT);
        alice.send(List.of("bob"), "meshwire", utf8("back")).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        b.awaitText("back", WAIT);
    }
}
