package dev.meshwire.cli;

import static dev.meshwire.peer.TestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.coordinator.Coordinator;
import dev.meshwire.coordinator.CoordinatorConfig;
import dev.meshwire.peer.daemon.Daemon;
import dev.meshwire.peer.daemon.DaemonOptions;
import dev.meshwire.peer.daemon.ForegroundDaemon;
import dev.meshwire.peer.home.MeshwireHome;
import dev.meshwire.peer.ipc.WireClient;
import dev.meshwire.peer.ipc.api.CreateMeshRequest;
import dev.meshwire.peer.ipc.api.RpcReplyRequest;
import dev.meshwire.peer.rpc.TestHandler;
import dev.meshwire.signaling.Json;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * rpc as a user runs it: the real {@code meshwire} CLI in child processes, bob's daemon in this JVM, alice's daemon a
 * separate process ({@code meshwire up --foreground}) so that it can be SIGKILLed. {@code rpc serve} answers with a
 * command's output (and a failing command's exit as an error); {@code rpc PEER METHOD} prints the answer, and a call
 * nobody answers ends with the timeout (exit 5); an offline peer is {@code peer_offline} at once unless {@code --wait}
 * queues the call. Then alice's
 * daemon is killed mid-call: the CLI says the daemon went away and how to get the answer; bob's handler answers while
 * alice is down; after alice's daemon restarts, {@code rpc result ID} prints the answer.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RpcCliTest {
    static final long WAIT = 90_000;
    @TempDir
    static Path tmp;
    static Coordinator coord;
    static Daemon bob;
    static MeshwireHome aliceHome;
    static ForegroundDaemon alice;
    static final List<Process> background = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        coord = Coordinator.start(CoordinatorConfig.defaults(tmp.resolve("coord")).withListen("127.0.0.1", 0).withStunPort(-1));
        bob = Daemon.start(DaemonOptions.of(tmp.resolve("bob")));
        String invite = bob.client().createMesh(new CreateMeshRequest("team", coord.publicUrl(), "bob", coord.adminToken())).invite();
        aliceHome = MeshwireHome.at(tmp.resolve("alice"));
        alice = ForegroundDaemon.start(aliceHome, Map.of());
        alice.client().join(invite, "alice");
        WireClient a = alice.client();
        await("alice sees bob online", WAIT, () -> a.seesOnline("bob"));
    }

    @AfterAll
    static void stop() {
        for (Process p : background) p.destroyForcibly();
        if (alice != null) alice.destroy();
        if (bob != null) bob.close();
        if (coord != null) coord.close();
    }

    static CliProcess.Run cli(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("--home", aliceHome.root().toString()));
        all.addAll(List.of(args));
        return new CliProcess("dev.meshwire.cli.Main", tmp, WAIT).piped(Map.of(), all.toArray(String[]::new));
    }

    /** {@code meshwire ARGS} in the background, stderr to a file (returned). */
    static Path startCli(String name, String... args) throws Exception {
        Path err = tmp.resolve(name + ".err");
        Path out = tmp.resolve(name + ".out");
        List<String> cmd = new ArrayList<>(List.of("java", "dev.meshwire.cli.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("CLASSPATH", System.getProperty("java.class.path"));
        pb.environment().remove("MESHWIRE_HOME");
        background.add(pb.start());
        return err;
    }

    static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
        } catch (java.io.IOException e) {
            return "";
        }
    }

    @Test
    @Order(1)
    void rpcServeAnswersWithACommandsOutputAndRpcPrintsIt() throws Exception {
        String bobHome = tmp.resolve("bob").toString();
        Path upper = startCli("serve-upper", "--home", bobHome, "rpc", "serve", "upper", "--", "tr", "a-z", "A-Z");
        Path fail = startCli("serve-fail", "--home", bobHome, "rpc", "serve", "fail", "--", "sh", "-c", "cat >/dev/null; echo boom >&2; exit 3");
        await("both methods are served", WAIT, () -> read(upper).contains("serving upper") && read(fail).contains("serving fail"));

        CliProcess.Run r = cli("rpc", "bob", "upper", "\"hello rpc\"");
        assertEquals(0, r.code(), r.toString());
        assertEquals("HELLO RPC\n", r.out(), "the command's stdout (a JSON string) is the answer");
        CliProcess.Run js = cli("rpc", "bob", "upper", "{\"k\":\"v\"}", "--json");
        assertEquals(0, js.code(), js.toString());
        JsonNode call = Json.MAPPER.readTree(js.out());
        assertEquals("ok", call.path("state").asText(), js.out());
        assertEquals("V", call.path("result").path("K").asText(), js.out());

        CliProcess.Run failed = cli("rpc", "bob", "fail");
        assertEquals(ExitCodes.FAILED, failed.code(), failed.toString());
        assertTrue(failed.err().contains("command_failed") && failed.err().contains("exited with 3") && failed.err().contains("boom"), failed.err());

        CliProcess.Run bad = cli("rpc", "bob", "upper", "{not json");
        assertEquals(ExitCodes.USAGE, bad.code(), bad.toString());
        assertTrue(bad.err().startsWith("meshwire: JSON-ARGS is not valid JSON"), bad.err());
    }

    @Test
    @Order(2)
    void aKilledCallerDaemonMidCallGivesAClearResultAfterRestart() throws Exception {
        TestHandler handler = TestHandler.start(bob.client(), List.of("hold"), call -> null);
        // A call nobody answers in time: exit 5 and one line naming the timeout and how to see a later answer.
        CliProcess.Run timedOut = cli("rpc", "bob", "hold", "--timeout", "2s", "--id", "short-1");
        assertEquals(ExitCodes.UNREACHABLE, timedOut.code(), timedOut.toString());
        assertTrue(timedOut.err().contains("no answer from bob to hold within 2s (call short-1)")
                && timedOut.err().contains("'meshwire rpc result short-1'"), timedOut.err());

        Path err = startCli("call-crash", "--home", aliceHome.root().toString(), "rpc", "bob", "hold", "{\"job\":1}",
                "--timeout", "5m", "--id", "crash-1");
        Process caller = background.get(background.size() - 1);
        await("bob's handler has the call", WAIT, () -> handler.calls.stream().anyMatch(c -> "crash-1".equals(c.requestId())));

        alice.process().destroyForcibly(); // SIGKILL of the caller's daemon, mid-call
        assertTrue(alice.process().waitFor(30, TimeUnit.SECONDS));
        assertTrue(caller.waitFor(60, TimeUnit.SECONDS), "the CLI does not hang when its daemon dies");
        assertEquals(ExitCodes.NO_DAEMON, caller.exitValue(), read(err));
        String said = read(err);
        assertTrue(said.contains("the daemon went away") && said.contains("meshwire rpc result crash-1"), said);

        // bob's app answers while alice's daemon is down: the answer waits in the coordinator's queue.
        long callId = handler.calls.stream().filter(c -> "crash-1".equals(c.requestId())).findFirst().orElseThrow().callId();
        handler.reply(new RpcReplyRequest(callId, Json.MAPPER.readTree("{\"done\":true}"), null));

        alice = ForegroundDaemon.start(aliceHome, Map.of());
        CliProcess.Run result = await("rpc result shows the answer after the restart", Duration.ofMillis(WAIT), () -> {
            try {
                CliProcess.Run x = cli("rpc", "result", "crash-1", "--wait-for", "10s", "--json");
                return x.code() == 0 && x.out().contains("\"ok\"") ? x : null;
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        JsonNode call = Json.MAPPER.readTree(result.out());
        assertTrue(call.path("result").path("done").asBoolean(), result.out());
        assertEquals("crash-1", call.path("requestId").asText());
        assertEquals(1, handler.calls.stream().filter(c -> "crash-1".equals(c.requestId())).count(), "the handler ran once");
    }

    /**
     * The callee's daemon (carol, a separate process) is SIGKILLed while its handler runs a call: when it starts again
     * it answers the call {@code interrupted} and never gives it to a handler again (at most once).
     */
    @Test
    @Order(3)
    void aCalleeKilledMidCallAnswersInterruptedAfterRestart() throws Exception {
        MeshwireHome carolHome = MeshwireHome.at(tmp.resolve("carol"));
        ForegroundDaemon carol = ForegroundDaemon.start(carolHome, Map.of());
        try {
            String invite = bob.client().invite("team", 1, 3_600_000L).invite();
            carol.client().join(invite, "carol");
            await("bob sees carol online", WAIT, () -> WireClient.of(bob.client()).seesOnline("carol"));
            TestHandler held = TestHandler.start(carol.client().typed(), List.of("hold"), call -> null);
            bob.client().rpcCall(new dev.meshwire.peer.ipc.api.RpcCallRequest(null, "carol", "hold", null, 300_000L, true, "interrupted-1"));
            await("carol's handler runs the call", WAIT, () -> held.calls.size() == 1);

            carol.process().destroyForcibly(); // SIGKILL of the callee's daemon while its handler runs
            assertTrue(carol.process().waitFor(30, TimeUnit.SECONDS));
            carol = ForegroundDaemon.start(carolHome, Map.of());
            TestHandler again = TestHandler.start(carol.client().typed(), List.of("hold"), call -> null);
            var c = await("bob gets the answer", Duration.ofMillis(WAIT), () -> {
                var x = bob.client().rpcResult("interrupted-1", 10_000);
                return "pending".equals(x.state()) ? null : x;
            });
            assertEquals("error", c.state(), c.toString());
            assertEquals("interrupted", c.error().code());
            assertEquals(List.of(), again.calls, "the interrupted call never reached a handler again");
        } finally {
            carol.destroy();
        }
    }

    /**
     * carol (a member since the test before) is offline: {@code rpc} fails at once with {@code peer_offline} and says
     * what {@code --wait} does; with {@code --wait} the call is queued and ends with the timeout when nobody answers.
     */
    @Test
    @Order(4)
    void anOfflinePeerFailsFastAndWaitQueuesTheCallUntilItsTimeout() throws Exception {
        WireClient a = alice.client();
        await("alice knows carol, offline", WAIT, () -> {
            for (JsonNode p : a.peers(null).path("items")) if ("carol".equals(p.path("name").asText())) return !p.path("online").asBoolean();
            return false;
        });
        CliProcess.Run offline = cli("rpc", "carol", "hold");
        assertEquals(ExitCodes.UNREACHABLE, offline.code(), offline.toString());
        assertTrue(offline.err().contains("carol is offline; '--wait' queues the call until carol is back"), offline.err());
        CliProcess.Run queued = cli("rpc", "carol", "hold", "--wait", "--timeout", "2s", "--id", "queued-offline-1");
        assertEquals(ExitCodes.UNREACHABLE, queued.code(), queued.toString());
        assertTrue(queued.err().contains("no answer from carol to hold within 2s (call queued-offline-1)"), queued.err());
    }

    /**
     * With no daemon running, {@code meshwire rpc} starts one and calls at once: the call waits for the new daemon's
     * coordinator link (presence) instead of reporting the peer offline.
     */
    @Test
    @Order(5)
    void aCallFromAColdStartWaitsForTheLinkInsteadOfReportingOffline() throws Exception {
        alice.shutdown();
        try {
            CliProcess.Run r = cli("rpc", "bob", "upper", "\"cold start\"");
            assertEquals(0, r.code(), r.toString());
            assertEquals("COLD START\n", r.out());
        } finally {
            cli("down");
        }
    }
}
