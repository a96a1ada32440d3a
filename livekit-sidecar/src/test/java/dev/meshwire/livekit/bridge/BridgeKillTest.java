package dev.meshwire.livekit.bridge;

import static dev.meshwire.livekit.bridge.BridgeFixture.BRIDGE;
import static dev.meshwire.livekit.bridge.BridgeFixture.KEY;
import static dev.meshwire.livekit.bridge.BridgeFixture.ROOM;
import static dev.meshwire.livekit.bridge.BridgeFixture.SECRET;
import static dev.meshwire.livekit.bridge.BridgeTestBase.MESH;
import static dev.meshwire.livekit.bridge.BridgeTestBase.WAIT_MS;
import static dev.meshwire.livekit.bridge.LiveKitBridgeTest.await;
import static dev.meshwire.livekit.bridge.LiveKitBridgeTest.inbox;
import static dev.meshwire.livekit.bridge.LiveKitBridgeTest.sendAllSettled;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.meshwire.coordinator.Coordinator;
import dev.meshwire.livekit.bridge.BridgeFixture.Participant;
import dev.meshwire.livekit.room.RoomData;
import dev.meshwire.peer.TwoMemberMesh;
import dev.meshwire.peer.home.MeshwireHome;
import dev.meshwire.peer.ipc.IpcClient;
import dev.meshwire.peer.ipc.api.CreateMeshRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #15 acceptance: a SIGKILL of the side-car process, and of the mesh daemons (the side-car's and the mesh
 * member's at once), mid-traffic, loses nothing and shows nothing twice — 500 messages each way. A real coordinator, real daemons (the killed ones as
 * their own processes), the stand-in LiveKit server and a room participant (carol) on real WebRTC.
 *
 * <p>What "nothing twice" means on each side (docs/livekit.md "Delivery"): in the mesh, each room packet is in bob's
 * inbox exactly once; in the room, delivery is at least once and a copy carries the packet id of the first, so carol
 * counts unique ids.
 */
class BridgeKillTest {
    static final String SERVICE = "lkbridge";
    static final int N = 500;

    @TempDir
    Path tmp;
    private BridgeFixture room;
    /** Bob's daemon, in this JVM or as a process (found again after a restart). */
    private java.util.function.Supplier<IpcClient> bobIpc;

    @BeforeEach
    void start() throws Exception {
        room = BridgeFixture.start(WAIT_MS);
    }

    @AfterEach
    void stop() throws Exception {
        if (room != null) room.close();
    }

    /** Starts the daemons of {@code homes} as their own processes ({@code meshwire up --foreground}) and waits for their IPC. */
    private List<ChildJvm> daemonProcesses(List<MeshwireHome> homes, List<Path> logs) throws Exception {
        List<ChildJvm> started = new ArrayList<>();
        for (int i = 0; i < homes.size(); i++) {
            homes.get(i).ensureLayout();
            ChildJvm d = ChildJvm.start(logs.get(i), "dev.meshwire.cli.Main", "--home", homes.get(i).root().toString(), "up", "--foreground");
            started.add(room.closing(d));
        }
        for (int i = 0; i < homes.size(); i++) {
            MeshwireHome home = homes.get(i);
            ChildJvm d = started.get(i);
            await("the daemon of " + home.root() + " answers", () -> {
                d.checkAlive("the daemon of " + home.root());
                IpcClient c = IpcClient.forHome(home);
                return c != null && c.alive();
            });
        }
        return started;
    }

    /** Creates the mesh on alice's daemon and has bob join it; waits until alice's roster knows bob. */
    private void meshWithBob(Coordinator coord, IpcClient alice) throws InterruptedException {
        String invite = alice.createMesh(new CreateMeshRequest(MESH, coord.publicUrl(), "alice", coord.adminToken())).invite();
        bobIpc.get().join(invite, "bob");
        await("alice knows bob", () -> alice.peers(MESH).items().stream().anyMatch(p -> "bob".equals(p.name())));
    }

    private static boolean seesBridge(Participant p) {
        return p.client.isConnected() && p.client.participants().join().stream().anyMatch(x -> BRIDGE.equals(x.identity()));
    }

    /** Bob's dms {@code lk:carol m<from>..m<to-1>} to the side-car's service, posted by four callers at once (order is not asserted). */
    private void dmsToCarol(int from, int to) throws Exception {
        IpcClient b = bobIpc.get();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<?>> posts = new ArrayList<>();
            for (int i = from; i < to; i++) {
                String text = "lk:carol m" + i;
                posts.add(pool.submit(() -> b.post("/v1/send", Map.of("mesh", MESH, "to", "alice/" + SERVICE, "message", text))));
            }
            for (var p : posts) p.get(WAIT_MS, TimeUnit.MILLISECONDS);
        } finally {
            pool.shutdownNow();
        }
    }

    /** The distinct mesh texts carol got; fails if two copies of one text carry different packet ids. */
    private static Set<String> uniqueAtCarol(Participant carol) {
        synchronized (carol) {
            Map<String, Set<String>> idsByText = new HashMap<>();
            for (RoomData d : carol.got) {
                idsByText.computeIfAbsent(new String(d.payload(), StandardCharsets.UTF_8), k -> new HashSet<>()).add(d.packetId());
            }
            idsByText.forEach((text, ids) -> assertEquals(1, ids.size(), "copies of '" + text + "' carry one packet id: " + ids));
            return idsByText.keySet().stream().filter(t -> t.startsWith("m")).collect(Collectors.toSet());
        }
    }

    private List<String> roomTextsAtBob() {
        return inbox(bobIpc.get()).stream().map(i -> i.path("text").asText()).filter(t -> t.startsWith("[lk:carol] r")).toList();
    }

    /** Both directions complete: carol has m0..m499 (unique), bob has [lk:carol] r0..r499 each exactly once. */
    private void assertComplete(Participant carol, java.util.function.Supplier<IpcClient> alice) throws InterruptedException {
        await("carol got all " + N + " mesh messages", () -> uniqueAtCarol(carol).size() == N);
        await("bob got all " + N + " room messages", () -> roomTextsAtBob().size() >= N);
        List<String> atBob = roomTextsAtBob();
        assertEquals(N, atBob.size(), "nothing twice in the mesh");
        assertEquals(IntStream.range(0, N).mapToObj(i -> "[lk:carol] r" + i).collect(Collectors.toSet()), new HashSet<>(atBob));
        assertEquals(IntStream.range(0, N).mapToObj(i -> "m" + i).collect(Collectors.toSet()), uniqueAtCarol(carol));
        await("the service inbox is empty", () -> alice.get().serviceInbox(MESH, SERVICE, 10, false, true).items().isEmpty());
    }

    @Test
    void aSidecarProcessKilledMidTrafficLosesNothingAndShowsNothingTwice() throws Exception {
        TwoMemberMesh mesh = room.closing(TwoMemberMesh.start(tmp, WAIT_MS));
        bobIpc = mesh.bob::client;
        IpcClient a = mesh.alice.client();
        Participant carol = room.participant("carol");
        Path secret = tmp.resolve("secret");
        Files.writeString(secret, SECRET);
        MeshwireHome home = MeshwireHome.at(tmp.resolve("alice"));
        Path queueFile = RoomQueue.fileFor(home, MESH, SERVICE);
        String[] args = {"--home", home.root().toString(), "sidecar", "livekit", "--url", room.server().url(), "--room", ROOM,
                "--mesh", MESH, "--service", SERVICE, "--identity", BRIDGE, "--api-key", KEY, "--api-secret-file", secret.toString(),
                "--target", "bob"};
        Path log = tmp.resolve("sidecar.log");
        ChildJvm sidecar = room.closing(ChildJvm.start(log, "dev.meshwire.cli.Main", args));
        await("the side-car is in the room", () -> {
            sidecar.checkAlive("the side-car");
            return seesBridge(carol);
        });

        // Mid-traffic: 250 mesh → room dms and 250 room → mesh packets; the side-car is SIGKILLed once carol has some
        // dms and every room packet is either in the mesh or in the side-car's queue — most still queued.
        dmsToCarol(0, N / 2);
        sendAllSettled(carol.client, 0, N / 2);
        Set<String> firstHalf = IntStream.range(0, N / 2).mapToObj(i -> "[lk:carol] r" + i).collect(Collectors.toSet());
        await("carol got some dms and the side-car holds or delivered every room packet", () -> {
            sidecar.checkAlive("the side-car");
            if (uniqueAtCarol(carol).size() < 10) return false;
            Set<String> seen = queued(queueFile); // read before bob's inbox: a row leaves the queue only once delivered
            seen.addAll(roomTextsAtBob());
            return seen.containsAll(firstHalf);
        });
        sidecar.kill();
        // How many room packets the kill caught in the queue depends on the machine: under load most of them (62-237 of
        // 250 seen), on an idle one the mesh may have taken them all already. Reported, not asserted; the queue
        // surviving a crash on its own is RoomQueueTest's, and what follows must hold either way.
        int backlog = queued(queueFile).size();
        int atBobAtKill = roomTextsAtBob().size();

        // While it is dead: more dms wait in the service inbox. Then it starts again on the same home.
        dmsToCarol(N / 2, N);
        await("the room saw the side-car go", () -> !seesBridge(carol));
        ChildJvm again = room.closing(ChildJvm.start(log, "dev.meshwire.cli.Main", args));
        await("the side-car is back in the room", () -> {
            again.checkAlive("the restarted side-car");
            return seesBridge(carol);
        });
        // Room packets sent while the side-car is in the room again (a room app waits for it: a packet sent while
        // it is away reaches nobody — LiveKit stores nothing for absent participants).
        sendAllSettled(carol.client, N / 2, N);
        assertComplete(carol, () -> a);
        System.out.printf("side-car kill: %d room packets queued at the kill (bob had %d), carol got %d copies of %d dms%n",
                backlog, atBobAtKill, carol.got.size(), N);
    }

    /** The texts waiting in the side-car's queue file (read by this process: SQLite allows a reader beside a writer). */
    private static Set<String> queued(Path queueFile) {
        return RoomQueue.read(queueFile).stream().map(RoomQueue.Row::text).collect(Collectors.toCollection(HashSet::new));
    }

    @Test
    void bothDaemonsKilledMidTrafficLoseNothingAndShowNothingTwice() throws Exception {
        // alice's daemon holds the side-car's service; bob's is the mesh member the room talks to. Both run as processes.
        Coordinator coord = room.closing(TwoMemberMesh.coordinator(tmp));
        MeshwireHome aliceHome = MeshwireHome.at(tmp.resolve("alice"));
        MeshwireHome bobHome = MeshwireHome.at(tmp.resolve("bob"));
        Path aliceLog = tmp.resolve("alice-daemon.log");
        Path bobLog = tmp.resolve("bob-daemon.log");
        List<ChildJvm> daemons = daemonProcesses(List.of(aliceHome, bobHome), List.of(aliceLog, bobLog));
        IpcClient[] bobNow = {IpcClient.forHome(bobHome)};
        bobIpc = () -> bobNow[0];
        DaemonLink link = DaemonLink.forHome(aliceHome);
        meshWithBob(coord, link.client());
        Participant carol = room.participant("carol");
        LiveKitBridge bridge = room.started(new LiveKitBridge(new BridgeConfig(MESH, SERVICE, "meshwire", "bob"), link,
                RoomQueue.open(tmp.resolve("bridge-queue.db"), LiveKitBridge.ROOM_QUEUE_MAX), room.bridgeRoom(c -> c)));
        await("the bridge is in the room", () -> seesBridge(carol));

        // Mid-traffic, both daemons are SIGKILLed: dms are in bob's outbox, at the coordinator and in the service inbox;
        // room packets are in the side-car's queue and at the coordinator.
        dmsToCarol(0, N / 2);
        sendAllSettled(carol.client, 0, N / 2);
        await("some traffic went both ways", () -> uniqueAtCarol(carol).size() >= 10 && roomTextsAtBob().size() >= 10, bridge);
        for (ChildJvm d : daemons) d.kill();
        // While they are dead: room packets wait in the side-car (its daemon is gone).
        sendAllSettled(carol.client, N / 2, N);
        await("the room packets sent while the daemons are dead wait in the side-car", () -> bridge.stats().roomQueue() >= N / 2, bridge);
        long queuedWhileDead = bridge.stats().roomQueue();

        daemonProcesses(List.of(aliceHome, bobHome), List.of(aliceLog, bobLog));
        bobNow[0] = IpcClient.forHome(bobHome);
        dmsToCarol(N / 2, N);
        assertComplete(carol, () -> IpcClient.forHome(aliceHome));
        BridgeStats s = bridge.stats();
        assertEquals(0, s.dropped(), s.toString());
        assertEquals(0, s.roomQueue(), s.toString());
        System.out.printf("daemons kill: %d room packets waited in the side-car, carol got %d copies of %d dms, bridge %s%n",
                queuedWhileDead, carol.got.size(), N, s);
    }
}
