package dev.meshwire.livekit.ops;

import static dev.meshwire.livekit.bridge.BridgeFixture.KEY;
import static dev.meshwire.livekit.bridge.BridgeFixture.ROOM;
import static dev.meshwire.livekit.bridge.BridgeFixture.SECRET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.livekit.bridge.BridgeFixture;
import dev.meshwire.livekit.room.RoomData;
import dev.meshwire.peer.TwoMemberMesh;
import dev.meshwire.peer.daemon.Daemon;
import dev.meshwire.peer.daemon.DaemonOptions;
import dev.meshwire.peer.ipc.IpcClient;
import dev.meshwire.peer.ipc.api.SidecarItem;
import dev.meshwire.signaling.Json;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A managed bridge end to end, as a user runs it: {@code meshwire sidecar livekit ... --managed} (a real CLI process)
 * hands the side-car to alice's daemon, which runs it as its own process; a real coordinator, bob's daemon, the
 * stand-in LiveKit server and a room participant (carol). Both directions flow; {@code sidecar status} (human and
 * {@code --json}) and the Prometheus endpoint show it; the side-car killed with SIGKILL is started again, delivers
 * what the mesh sent while it was down and bridges again; a daemon restart brings it back; {@code sidecar stop} ends it for good.
 */
class ManagedBridgeTest {
    static final String METRICS_TOKEN = "metrics-token-0123456789abcdef";
    static final long WAIT_MS = 120_000;
    static final String MESH = TwoMemberMesh.MESH;

    @TempDir
    Path tmp;
    private TwoMemberMesh mesh;
    private BridgeFixture room;
    private BridgeFixture.Participant carol;

    @BeforeEach
    void start() throws Exception {
        // A coordinator, alice (the side-car's daemon) and bob in mesh "team", as every daemon test sets them up.
        mesh = TwoMemberMesh.start(tmp, WAIT_MS);
        room = BridgeFixture.start(WAIT_MS);
        carol = room.participant("carol");
    }

    @AfterEach
    void stop() throws Exception {
        if (mesh != null) mesh.alice.close(); // stops the managed side-car too, while the room server still runs
        if (room != null) room.close();
        if (mesh != null) mesh.close();
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting until " + what);
            Thread.sleep(100); // polling interval of a condition wait, not a fixed delay
        }
    }

    private SidecarItem bridge() {
        return mesh.alice.client().sidecars().items().stream().filter(i -> i.name().equals("lkbridge")).findFirst().orElse(null);
    }

    /** The bridge runs in a process other than {@code notPid}, is in the room with carol, and has reported so. */
    private boolean bridging(long notPid) {
        SidecarItem i = bridge();
        return i != null && "running".equals(i.state()) && i.pid() > 0 && i.pid() != notPid && i.report() != null
                && i.report().pid() == i.pid() && i.report().connected() && i.report().participants() == 1;
    }

    private long inboxCount(IpcClient c, String text) {
        long n = 0;
        for (JsonNode i : c.get("/v1/inbox?peek=true&limit=500").path("items")) {
            if (text.equals(i.path("text").asText())) n++;
        }
        return n;
    }

    private boolean carolHas(String text) {
        return carol.find(text) != null;
    }

    /** One message each way through the bridge, and each arrives once. */
    private void bothWays(String tag) throws Exception {
        IpcClient b = mesh.bob.client();
        carol.client.send(List.of(), "meshwire", ("from carol " + tag).getBytes(StandardCharsets.UTF_8), "carol-" + tag).get(WAIT_MS, TimeUnit.MILLISECONDS);
        await("bob got carol's packet " + tag, () -> inboxCount(b, "[lk:carol] from carol " + tag) == 1);
        b.post("/v1/send", Map.of("mesh", MESH, "to", "alice/lkbridge", "message", "lk:carol from bob " + tag));
        await("carol got bob's dm " + tag, () -> carolHas("from bob " + tag));
    }

    private static Path privateFile(Path f, String content) throws Exception {
        Files.writeString(f, content + "\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        return f;
    }

    @Test
    void aManagedBridgeIsSupervisedRestartedAfterAKillAndComesBackWithTheDaemon() throws Exception {
        Path secret = privateFile(tmp.resolve("lk-secret"), SECRET);
        Path metricsToken = privateFile(tmp.resolve("metrics-token"), METRICS_TOKEN);
        int metricsPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            metricsPort = s.getLocalPort();
        }
        Cli cli = new Cli(tmp, WAIT_MS);
        String home = tmp.resolve("alice").toString();
        Cli.Run started = cli.meshwire("--home", home, "sidecar", "livekit", "--url", room.server().url(), "--room", ROOM, "--mesh", MESH,
                "--service", "lkbridge", "--api-key", KEY, "--api-secret-file", secret.toString(), "--target", "bob", "--managed",
                "--metrics", "127.0.0.1:" + metricsPort, "--metrics-token-file", metricsToken.toString());
        assertEquals(0, started.code(), started.out() + started.err());
        assertTrue(started.out().startsWith("managed bridge 'lkbridge' running (pid "), started.out());
        await("the managed bridge is in the room and reports", () -> bridging(0));
        long firstPid = bridge().pid();
        // The secret is in no process's command line: only its file's name is.
        String argv = Files.readString(Path.of("/proc", Long.toString(firstPid), "cmdline")).replace('\0', ' ');
        assertFalse(argv.contains(SECRET), argv);
        assertTrue(argv.contains(secret.toString()), argv);
        bothWays("one");

        // status, human and --json, from a real CLI process
        await("the report counted both ways", () -> bridge().report() != null && bridge().report().roomToMesh() >= 1 && bridge().report().meshToRoom() >= 1);
        Cli.Run human = cli.meshwire("--home", home, "sidecar", "status");
        assertEquals(0, human.code(), human.err());
        assertTrue(human.out().startsWith("lkbridge  livekit, managed, running (pid " + firstPid + "), restarts 0"), human.out());
        assertTrue(human.out().contains("room 'room1' at " + room.server().url() + " -> mesh 'team' as service 'lkbridge'"), human.out());
        assertTrue(human.out().contains("connected, 1 participant, reconnects 0"), human.out());
        Cli.Run json = cli.meshwire("--home", home, "sidecar", "status", "--json");
        assertEquals(0, json.code(), json.err());
        JsonNode item = Json.MAPPER.readTree(json.out()).path("items").get(0);
        assertEquals("lkbridge", item.path("name").asText(), json.out());
        assertTrue(item.path("managed").asBoolean(), json.out());
        assertEquals("running", item.path("state").asText(), json.out());
        assertTrue(item.path("report").path("roomToMesh").asLong() >= 1, json.out());
        assertTrue(item.path("report").path("bytesFromRoom").asLong() > 0, json.out());
        assertEquals("room1", item.path("report").path("room").asText(), json.out());

        // metrics: the token is required
        HttpClient http = HttpClient.newHttpClient();
        URI metrics = URI.create("http://127.0.0.1:" + metricsPort + "/metrics");
        assertEquals(401, http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        HttpResponse<String> scrape = http.send(HttpRequest.newBuilder(metrics).header("Authorization", "Bearer " + METRICS_TOKEN).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, scrape.statusCode(), scrape.body());
        String line = scrape.body().lines().filter(l -> l.startsWith("meshwire_livekit_room_to_mesh_total{")).findFirst().orElseThrow(
                () -> new AssertionError(scrape.body()));
        assertTrue(line.contains("room=\"room1\"") && line.contains("service=\"lkbridge\""), line);
        assertTrue(Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)) >= 1, line);
        assertTrue(scrape.body().contains("meshwire_livekit_connected{"), scrape.body());

        // SIGKILL: the daemon starts it again, and it bridges again. Mesh messages sent while it is down wait in the
        // service inbox (the daemon's, durable) and all reach carol after the restart, one packet id per message.
        ProcessHandle.of(firstPid).orElseThrow().destroyForcibly();
        await("the side-car is dead", () -> ProcessHandle.of(firstPid).map(h -> !h.isAlive()).orElse(true));
        int down = 50;
        IpcClient b = mesh.bob.client();
        for (int i = 0; i < down; i++) b.post("/v1/send", Map.of("mesh", MESH, "to", "alice/lkbridge", "message", "lk:carol while down " + i));
        await("the bridge runs again in a new process", () -> bridging(firstPid));
        SidecarItem again = bridge();
        assertEquals(1, again.restarts(), again.toString());
        assertEquals(137, again.lastExit(), again.toString());
        await("carol got every message sent while the side-car was down", () -> {
            for (int i = 0; i < down; i++) if (!carolHas("while down " + i)) return false;
            return true;
        });
        synchronized (carol) {
            java.util.Map<String, java.util.Set<String>> idsByText = new java.util.HashMap<>();
            for (RoomData d : carol.got) idsByText.computeIfAbsent(new String(d.payload(), StandardCharsets.UTF_8), k -> new java.util.HashSet<>()).add(d.packetId());
            for (int i = 0; i < down; i++) assertEquals(1, idsByText.get("while down " + i).size(), "copies share one packet id: " + idsByText.get("while down " + i));
        }
        bothWays("two");

        // a daemon restart: the bridge stops with it and comes back with the next one
        long secondPid = again.pid();
        mesh.alice.close();
        await("the side-car stopped with its daemon", () -> ProcessHandle.of(secondPid).map(h -> !h.isAlive()).orElse(true));
        mesh.alice = Daemon.start(DaemonOptions.of(tmp.resolve("alice")));
        await("the bridge is back with the daemon", () -> bridging(secondPid));
        bothWays("three");

        // stop: gone for good, and not started again
        long thirdPid = bridge().pid();
        Cli.Run stopped = cli.meshwire("--home", home, "sidecar", "stop", "lkbridge", "--json");
        assertEquals(0, stopped.code(), stopped.err());
        JsonNode gone = Json.MAPPER.readTree(stopped.out());
        assertEquals("lkbridge", gone.path("name").asText(), stopped.out());
        assertEquals("stopped", gone.path("state").asText(), stopped.out());
        assertTrue(ProcessHandle.of(thirdPid).map(h -> !h.isAlive()).orElse(true), "the side-car process ended");
        await("the side-car left the room", () -> room.server().participants(ROOM) == 1);
        assertTrue(bridge() == null, String.valueOf(bridge()));
        assertEquals("[ ]", Files.readString(tmp.resolve("alice").resolve("daemon").resolve("sidecars.json")).strip());
        Cli.Run unknown = cli.meshwire("--home", home, "sidecar", "stop", "lkbridge");
        assertEquals(4, unknown.code(), unknown.err());
        assertTrue(unknown.err().contains("no managed bridge named 'lkbridge'"), unknown.err());
    }
}
