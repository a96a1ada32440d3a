package dev.meshwire.cli;

import static dev.meshwire.peer.TestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.coordinator.Coordinator;
import dev.meshwire.coordinator.CoordinatorConfig;
import dev.meshwire.peer.daemon.Daemon;
import dev.meshwire.peer.daemon.DaemonOptions;
import dev.meshwire.peer.home.MeshwireHome;
import dev.meshwire.peer.ipc.CliApi;
import dev.meshwire.peer.ipc.CliCall;
import dev.meshwire.peer.ipc.IpcClient;
import dev.meshwire.peer.ipc.api.CliReply;
import dev.meshwire.peer.ipc.api.CliRequest;
import dev.meshwire.peer.ipc.api.CreateMeshRequest;
import dev.meshwire.peer.ipc.api.PeerItem;
import dev.meshwire.peer.ipc.api.SendRequest;
import dev.meshwire.peer.p2p.P2pMode;
import dev.meshwire.peer.p2p.P2pSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import dev.meshwire.cli.CliProcess.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The thin client ({@link QuickClient}) forwarding one-shot verbs to the running daemon ({@code POST /v1/cli},
 * {@link ForwardedCli}): as separate processes against a real coordinator and real daemons, a forwarded run and a
 * local run ({@code MESHWIRE_NO_FORWARD=1}) of every forwarded verb give the same exit code, stdout and stderr, with
 * {@code --json} and in error cases; the daemon counts the calls it ran, so each comparison also proves the forwarded
 * run was forwarded. Calls at once do not mix output; a home without a daemon, and a daemon that refuses (as an older
 * one without the route would), fall back to the local run; colour follows the caller's terminal and NO_COLOR.
 */
class ForwardedVerbsTest {
    private static final long WAIT = 60_000;
    private static final String ESC = "\u001b[";

    @TempDir
    static Path tmp;
    static Coordinator coord;
    static Daemon alice, bob;
    static final AtomicInteger forwardedAtAlice = new AtomicInteger();
    static String sentId;

    @BeforeAll
    static void setUp() throws Exception {
        coord = Coordinator.start(CoordinatorConfig.defaults(tmp.resolve("coord")).withListen("127.0.0.1", 0).withStunPort(-1));
        Path aliceHome = tmp.resolve("alice");
        ForwardedCli real = new ForwardedCli(MeshwireHome.at(aliceHome), System.getenv());
        CliApi counting = r -> {
            CliReply reply = real.run(r);
            forwardedAtAlice.incrementAndGet();
            return reply;
        };
        // Relay only: the path a peer is reached by then stays the same between the two runs compared.
        P2pSettings relayOnly = P2pSettings.defaults().withMode(P2pMode.OFF);
        alice = Daemon.start(DaemonOptions.of(aliceHome).withP2p(relayOnly), counting);
        bob = Daemon.start(DaemonOptions.of(tmp.resolve("bob")).withP2p(relayOnly)); // CliApi.NONE: refuses every forwarded call
        IpcClient a = alice.client();
        a.createMesh(new CreateMeshRequest("team", coord.publicUrl(), "alice", coord.adminToken()));
        bob.client().join(a.invite(null, 1, 3_600_000L).invite(), "bob");
        await("alice sees bob online", WAIT, () -> {
            PeerItem p = a.peers("team").items().stream().filter(x -> "bob".equals(x.name())).findFirst().orElse(null);
            return p != null && p.online();
        });
        sentId = a.send(new SendRequest("team", "bob", "hello bob")).clientMessageId();
    }

    @AfterAll
    static void tearDown() {
        if (bob != null) bob.close();
        if (alice != null) alice.close();
        if (coord != null) coord.close();
    }

    @Test
    void everyForwardedVerbPrintsWhatALocalRunPrints() throws Exception {
        String h = tmp.resolve("alice").toString();
        List<String[]> lines = List.of(
                new String[] {"--home", h, "status"}, new String[] {"--home", h, "status", "--json"},
                new String[] {"--home", h, "peers"}, new String[] {"--home", h, "peers", "--json"},
                new String[] {"--home", h, "members"}, new String[] {"--home", h, "members", "--json"},
                new String[] {"--home", h, "bans"}, new String[] {"--home", h, "bans", "--json"},
                new String[] {"--home", h, "mesh", "log"}, new String[] {"--home", h, "mesh", "log", "--json"},
                new String[] {"--home", h, "outbox"}, new String[] {"--home", h, "outbox", "--json"},
                new String[] {"--home", h, "inbox", "--peek"}, new String[] {"--home", h, "inbox", "--peek", "--json"},
                new String[] {"--home", h, "msg", "status", sentId}, new String[] {"--home", h, "msg", "status", sentId, "--json"},
                new String[] {"--home", h, "msg", "status", "no-such-id"}, new String[] {"--home", h, "msg", "status", "no-such-id", "--json"},
                new String[] {"--home", h, "send", "bob", "hi"}, new String[] {"--home", h, "send", "bob", "hi", "--json"},
                new String[] {"--home", h, "send", "nobody", "hi"}, new String[] {"--home", h, "send", "nobody", "hi", "--json"},
                new String[] {"--home", h, "send", "bob"}, new String[] {"--home", h, "send", "--priority", "soon", "bob", "hi"},
                new String[] {"--home", h, "invite", "--uses", "0"}, new String[] {"--home", h, "invite", "--json", "--expires", "x"},
                new String[] {"--home", h, "kick", "nobody"}, new String[] {"--home", h, "ban", "nobody", "--json"},
                new String[] {"--home", h, "unban", "nobody"}, new String[] {"--home", h, "revoke", "nobody", "--reason", "x"},
                new String[] {"--home", h, "role", "nobody", "admin"}, new String[] {"--home", h, "role", "bob", "king"},
                new String[] {"--home", h, "expire", "nobody", "--never"}, new String[] {"--home", h, "rename", "alice"},
                new String[] {"--home", h, "rename", "alice", "--json"}, new String[] {"--home", h, "reconnect", "--mesh", "nope"},
                new String[] {"--home", h, "peers", "--jsn"}, new String[] {"--home", h, "peers", "--mesh", "nope", "--json"},
                new String[] {"peers", "--home", h, "--no-color"},
                new String[] {"--home", h, "grants"}, new String[] {"--home", h, "grants", "--json"},
                new String[] {"--home", h, "grant", "nobody", "dm"}, new String[] {"--home", h, "block", "nobody", "--json"},
                new String[] {"--home", h, "grant", "bob", "telepathy"},
                new String[] {"--home", h, "session", "list"}, new String[] {"--home", h, "session", "list", "--json"},
                new String[] {"--home", h, "session", "end", "nosuchsession"}, new String[] {"--home", h, "session", "new", "--ttl", "48h"},
                new String[] {"--home", h, "service", "list"}, new String[] {"--home", h, "service", "list", "--json"},
                new String[] {"--home", h, "service", "revoke", "nosuchservice"}, new String[] {"--home", h, "service", "inbox", "nosuchservice"},
                new String[] {"--home", h, "service", "send", "nosuchservice", "bob", "hi", "--json"},
                new String[] {"--home", h, "service", "register", "Bad Name", "--type", "bot", "--scopes", "dm:read"});
        for (String[] args : lines) {
            int before = forwardedAtAlice.get();
            Run forwarded = client(Map.of(), args);
            assertEquals(before + 1, forwardedAtAlice.get(), "forwarded: " + String.join(" ", args));
            Run local = client(Map.of("MESHWIRE_NO_FORWARD", "1"), args);
            assertEquals(before + 1, forwardedAtAlice.get(), "MESHWIRE_NO_FORWARD runs locally: " + String.join(" ", args));
            String what = String.join(" ", args);
            assertEquals(local.code(), forwarded.code(), what + "\n" + local + "\n" + forwarded);
            assertEquals(untimed(local.out()), untimed(forwarded.out()), what);
            assertEquals(untimed(local.err()), untimed(forwarded.err()), what);
        }
    }

    @Test
    void theCallersSessionTokenIsTheOneThatCounts() throws Exception {
        String h = tmp.resolve("alice").toString();
        String token = alice.client().createSession(new dev.meshwire.peer.ipc.api.SessionRequest("team", "probe", null, null, null)).token();
        int before = forwardedAtAlice.get();
        Run forwarded = client(with("MESHWIRE_SESSION", token), "--home", h, "peers");
        assertEquals(before + 1, forwardedAtAlice.get(), "forwarded");
        Map<String, String> local = with("MESHWIRE_SESSION", token);
        local.put("MESHWIRE_NO_FORWARD", "1");
        Run here = client(local, "--home", h, "peers");
        assertEquals(0, forwarded.code(), forwarded.toString());
        assertTrue(forwarded.out().contains("(this session)"), "the caller's $MESHWIRE_SESSION, not the daemon's: " + forwarded.out());
        assertEquals(untimed(here.out()), untimed(forwarded.out()));
    }

    @Test
    void outputIsByteIdenticalWhereNothingChangesBetweenTheTwoRuns() throws Exception {
        String h = tmp.resolve("alice").toString();
        for (String[] args : new String[][] {{"--home", h, "bans", "--json"}, {"--home", h, "bans"}, {"--home", h, "role", "bob", "king"}, {"--home", h, "peers", "--jsn"},
                {"--home", h, "send", "nobody", "hi", "--json"}, {"--home", h, "mesh", "log"}}) {
            Run forwarded = client(Map.of(), args);
            Run local = client(Map.of("MESHWIRE_NO_FORWARD", "1"), args);
            assertEquals(local, forwarded, String.join(" ", args));
        }
    }

    @Test
    void callsAtOnceDoNotMixTheirOutput() throws Exception {
        MeshwireHome home = MeshwireHome.at(tmp.resolve("alice"));
        int port = Integer.parseInt(MeshwireHome.readTrimmed(home.portFile()));
        String token = MeshwireHome.readTrimmed(home.tokenFile());
        String cwd = tmp.toString();
        String h = home.root().toString();
        List<List<String>> calls = List.of(List.of("--home", h, "role", "bob", "king", "--json"), List.of("--home", h, "bans", "--json"),
                List.of("--home", h, "send", "nobody", "x"), List.of("--home", h, "mesh", "log", "--json"));
        List<CliReply> expected = new ArrayList<>();
        for (List<String> c : calls) {
            CliReply r = CliCall.call(port, token, new CliRequest(c, sameAsDaemon(), cwd, false));
            assertNotNull(r, "forwarded: " + c);
            expected.add(r);
        }
        assertTrue(expected.stream().map(CliReply::exit).distinct().count() >= 2, "some succeed, some fail: " + expected);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                int k = i % calls.size();
                Callable<Boolean> task = () -> {
                    CliReply r = CliCall.call(port, token, new CliRequest(calls.get(k), sameAsDaemon(), cwd, false));
                    assertEquals(expected.get(k), r, String.join(" ", calls.get(k)));
                    return true;
                };
                results.add(pool.submit(task));
            }
            for (Future<Boolean> f : results) assertTrue(f.get(WAIT, TimeUnit.MILLISECONDS));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void withoutADaemonOrWithOneThatRefusesTheLocalRunAnswers() throws Exception {
        Path none = tmp.resolve("nobody-home");
        Run forwarded = client(Map.of(), "--home", none.toString(), "status");
        Run local = client(Map.of("MESHWIRE_NO_FORWARD", "1"), "--home", none.toString(), "status");
        assertEquals(local, forwarded);
        assertEquals(ExitCodes.NO_DAEMON, forwarded.code(), forwarded.toString());
        // bob's daemon has no /v1/cli runner (CliApi.NONE), as a daemon from before the route: same answer, run locally
        String b = tmp.resolve("bob").toString();
        Run viaBob = client(Map.of(), "--home", b, "members", "--json");
        assertEquals(0, viaBob.code(), viaBob.toString());
        Run bobLocal = client(Map.of("MESHWIRE_NO_FORWARD", "1"), "--home", b, "members", "--json");
        assertEquals(bobLocal.code(), viaBob.code());
        assertEquals(untimed(bobLocal.out()), untimed(viaBob.out()));
        assertEquals(bobLocal.err(), viaBob.err());
        // a stale port file (no daemon listening): local run, which says the daemon is not running
        Path stale = tmp.resolve("stale");
        MeshwireHome sh = MeshwireHome.at(stale).ensureLayout();
        MeshwireHome.writePrivate(sh.portFile(), "1");
        MeshwireHome.writePrivate(sh.tokenFile(), "x");
        assertEquals(client(Map.of("MESHWIRE_NO_FORWARD", "1"), "--home", stale.toString(), "peers"),
                client(Map.of(), "--home", stale.toString(), "peers"));
    }

    @Test
    void aDaemonThatTakesTheCommandAndNeverAnswersIsNotRunAgainLocally() throws Exception {
        // A listener that reads the whole request and closes without an answer: a daemon that died while running it.
        Path home = tmp.resolve("wedged");
        MeshwireHome h = MeshwireHome.at(home).ensureLayout();
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 8, java.net.InetAddress.getLoopbackAddress())) {
            AtomicInteger taken = new AtomicInteger();
            Thread t = new Thread(() -> {
                while (!server.isClosed()) {
                    try (java.net.Socket s = server.accept()) {
                        var in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                        int length = 0;
                        for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) length = Integer.parseInt(line.substring(15).trim());
                        }
                        for (int i = 0; i < length; i++) in.read();
                        taken.incrementAndGet();
                    } catch (java.io.IOException e) {
                        // closed at the end of the test
                    }
                }
            }, "wedged-daemon");
            t.setDaemon(true);
            t.start();
            MeshwireHome.writePrivate(h.portFile(), Integer.toString(server.getLocalPort()));
            MeshwireHome.writePrivate(h.tokenFile(), "t");
            Run r = client(Map.of(), "--home", home.toString(), "send", "bob", "hi");
            assertEquals(ExitCodes.NO_DAEMON, r.code(), r.toString());
            assertTrue(r.err().startsWith("meshwire: the daemon stopped answering while it ran this command ("), r.err());
            assertTrue(r.err().contains("it may or may not have taken effect"), r.err());
            assertEquals("", r.out());
            assertEquals(1, taken.get(), "one request, and no local run after it (that would start a daemon or fail differently)");
        }
    }

    @Test
    void aDaemonThatUpStartedRunsForwardedCalls() throws Exception {
        // The daemon process 'meshwire up' spawns (as the launcher's verbs do): its /v1/cli is the CLI's runner.
        String home = tmp.resolve("spawned").toString();
        CliResult up = CliResult.run("--home", home, "up");
        assertEquals(ExitCodes.OK, up.code(), up.err());
        try {
            Run forwarded = client(Map.of(), "--home", home, "status", "--json");
            Run local = client(Map.of("MESHWIRE_NO_FORWARD", "1"), "--home", home, "status", "--json");
            assertEquals(local.code(), forwarded.code(), forwarded.toString());
            assertEquals(untimed(local.out()), untimed(forwarded.out()));
            assertEquals(local.err(), forwarded.err());
            MeshwireHome h = MeshwireHome.at(Path.of(home));
            CliReply r = CliCall.call(Integer.parseInt(MeshwireHome.readTrimmed(h.portFile())), MeshwireHome.readTrimmed(h.tokenFile()),
                    new CliRequest(List.of("--home", home, "status"), sameAsDaemon(), tmp.toString(), false));
            assertNotNull(r, "the spawned daemon ran the forwarded status");
            assertTrue(r.stdout().startsWith("daemon: running, pid "), r.stdout());
        } finally {
            CliResult down = CliResult.run("--home", home, "down");
            assertEquals(ExitCodes.OK, down.code(), down.err());
        }
    }

    @Test
    void theDaemonRefusesWhatItCannotReproduce() throws Exception {
        MeshwireHome home = MeshwireHome.at(tmp.resolve("alice"));
        int port = Integer.parseInt(MeshwireHome.readTrimmed(home.portFile()));
        String token = MeshwireHome.readTrimmed(home.tokenFile());
        String h = home.root().toString();
        int before = forwardedAtAlice.get();
        assertNull(CliCall.call(port, token, new CliRequest(List.of("--home", h, "up"), sameAsDaemon(), "/", false)), "not forwarded: up");
        assertNull(CliCall.call(port, token, new CliRequest(List.of("--home", h, "send", "bob", "--file", "/etc/passwd"), sameAsDaemon(), "/", false)));
        assertNull(CliCall.call(port, token, new CliRequest(List.of("--home", tmp.resolve("bob").toString(), "peers"), sameAsDaemon(), "/", false)),
                "another home");
        assertNull(CliCall.call(port, token, new CliRequest(List.of("--home", h, "peers"), with("PATH", "/x"), "/", false)));
        assertNull(CliCall.call(port, token, new CliRequest(List.of("--home", h, "peers"), with("TZ", "Mars/Olympus"), "/", false)),
                "not a zone id");
        assertNull(CliCall.call(port, token, new CliRequest(List.of("--home", h, "peers"), with("TZ", "EST5EDT,M3.2.0,M11.1.0"), "/", false)),
                "a POSIX rule");
        assertNull(CliCall.call(port, token, new CliRequest(List.of("--home", h, "peers"), sameAsDaemon(), "relative", false)));
        assertNull(CliCall.call(port, "wrong-token", new CliRequest(List.of("--home", h, "peers"), sameAsDaemon(), "/", false)));
        assertEquals(before, forwardedAtAlice.get());
        // a relative --home resolves against the caller's directory
        CliReply rel = CliCall.call(port, token, new CliRequest(List.of("--home", "alice", "bans", "--json"), sameAsDaemon(), tmp.toString(), false));
        assertNotNull(rel);
        assertEquals(0, rel.exit(), rel.toString());
    }

    /** Times come out in the caller's zone and the locale does not matter: such calls are forwarded, not refused. */
    @Test
    void theCallersTimeZoneIsTheOneTimesAreWrittenIn() throws Exception {
        String h = tmp.resolve("alice").toString();
        String daemonTz = System.getenv("TZ");
        String other = "Asia/Tokyo".equals(daemonTz) ? "America/Lima" : "Asia/Tokyo";
        int before = forwardedAtAlice.get();
        Run forwarded = client(with("TZ", other), "--home", h, "mesh", "log");
        assertEquals(before + 1, forwardedAtAlice.get(), "a TZ other than the daemon's is forwarded");
        Map<String, String> localEnv = with("TZ", other);
        localEnv.put("MESHWIRE_NO_FORWARD", "1");
        Run local = client(localEnv, "--home", h, "mesh", "log");
        assertEquals(local, forwarded, "the same times as a local run in " + other);
        Run daemonZone = client(sameAsDaemon(), "--home", h, "mesh", "log");
        assertNotEquals(daemonZone.out(), forwarded.out(), "written in " + other + ", not in the daemon's zone");

        Run c = client(with("LANG", "C"), "--home", h, "status", "--json");
        assertEquals(before + 3, forwardedAtAlice.get(), "LANG does not keep a call local");
        assertEquals(0, c.code(), c.toString());
        assertEquals(ForwardedCli.zoneOf(null, null), null);
        assertEquals(java.time.ZoneId.of("Europe/Paris"), ForwardedCli.zoneOf(":Europe/Paris", null));
    }

    @Test
    void colourFollowsTheCallersTerminalAndNoColor() throws Exception {
        String h = tmp.resolve("alice").toString();
        int before = forwardedAtAlice.get();
        Run tty = pty(Map.of(), "--home", h, "peers");
        assertEquals(0, tty.code(), tty.out());
        assertTrue(tty.out().contains(ESC + "1mNAME"), "bold headers on the caller's terminal: " + tty.out());
        Run ttyLocal = pty(Map.of("MESHWIRE_NO_FORWARD", "1"), "--home", h, "peers");
        assertEquals(untimed(ttyLocal.out()), untimed(tty.out()));
        Run noColor = pty(Map.of("NO_COLOR", "1"), "--home", h, "peers");
        assertFalse(noColor.out().contains("\u001b"), "NO_COLOR: " + noColor.out());
        Run flag = pty(Map.of(), "--home", h, "peers", "--no-color");
        assertFalse(flag.out().contains("\u001b"), "--no-color: " + flag.out());
        Run dumb = pty(Map.of("TERM", "dumb"), "--home", h, "peers");
        assertFalse(dumb.out().contains("\u001b"), "TERM=dumb: " + dumb.out());
        Run piped = client(Map.of(), "--home", h, "peers");
        assertFalse(piped.out().contains("\u001b"), "a pipe: " + piped.out());
        assertEquals(before + 5, forwardedAtAlice.get(), "the four terminal runs and the piped one were forwarded");
    }

    @Test
    void theAllowlistKeepsEverythingElseLocal() {
        for (String[] local : new String[][] {{"up"}, {"down"}, {"watch"}, {"ping", "bob"}, {"--version"}, {"status", "--help"},
                {"completion", "bash"}, {"config", "list"}, {"mesh", "list"}, {"mesh", "rm", "team"}, {"mesh", "create", "x"},
                {"join", "mw1.x"}, {"doctor"}, {"coordinator"}, {"turn"}, {"demo"}, {"send", "bob", "--file", "x"},
                {"send", "bob", "--file=-"}, {"inbox", "flush"}, {"inbox", "delete", "3"}, {"outbox", "requeue", "x"},
                {"--home", "a", "--home", "b", "status"}, {"send", "bob", "--", "-x"}, {"sned", "bob"}, {}, {"help", "status"},
                {"leave"}, {"install-service"}, {"msg"}, {"mesh"}, {"session"}, {"service"}, {"service", "nope"}}) {
            assertFalse(ForwardedVerbs.forwarded(List.of(local)), String.join(" ", local));
        }
        for (String[] fwd : new String[][] {{"status"}, {"--home", "/x", "peers", "--json"}, {"--home=/x", "members"}, {"send", "bob", "hi"},
                {"inbox"}, {"inbox", "--peek"}, {"outbox", "--failed"}, {"msg", "status", "x"}, {"mesh", "log"}, {"invite"}, {"bans"},
                {"kick", "b"}, {"ban", "b"}, {"unban", "b"}, {"revoke", "b"}, {"role", "b", "admin"}, {"expire", "b", "--never"},
                {"rename", "x"}, {"reconnect"}, {"--no-color", "peers"}, {"grants"}, {"grant", "b", "dm"}, {"block", "b"},
                {"session", "list"}, {"session", "new", "--pid", "1"}, {"session", "end", "x"}, {"service", "list"},
                {"service", "register", "x", "--type", "bot", "--scopes", "dm:read"}, {"service", "revoke", "x"}, {"service", "inbox", "x"},
                {"service", "send", "x", "bob", "hi"}}) {
            assertTrue(ForwardedVerbs.forwarded(List.of(fwd)), String.join(" ", fwd));
        }
        assertEquals("/x", ForwardedVerbs.home(List.of("--home=/x", "peers")));
        assertEquals("/y", ForwardedVerbs.home(List.of("peers", "--home", "/y")));
    }

    /** The caller's variables the daemon must share (ForwardedCli.SAME_AS_DAEMON): here, this JVM's, as the daemon's. */
    private static Map<String, String> sameAsDaemon() {
        Map<String, String> env = new java.util.TreeMap<>();
        for (String k : ForwardedCli.SAME_AS_DAEMON) if (System.getenv(k) != null) env.put(k, System.getenv(k));
        return env;
    }

    private static Map<String, String> with(String k, String v) {
        Map<String, String> env = sameAsDaemon();
        env.put(k, v);
        return env;
    }

    // ---- processes ----

    /**
     * Times that move between two runs (uptime, "N s ago", last seen, round trips, ids a send generates) are masked;
     * {@link #outputIsByteIdenticalWhereNothingChangesBetweenTheTwoRuns} compares bytes where nothing moves.
     */
    private static String untimed(String s) {
        return s.replace("\r\n", "\n").replaceAll("just now|\\d+ (s|min) ago", "T")
                .replaceAll("up (\\d+[smhd] ?)+", "up U").replaceAll("\"uptimeMs\" ?: ?\\d+", "\"uptimeMs\":U")
                .replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "ID")
                .replaceAll("\"(createdAt|updatedAt|queuedAt|at|lastSeen|lastSeenAt|rttMs)\" ?: ?[\\d.]+", "\"$1\":N")
                .replaceAll("rtt [\\d.]+ ms", "rtt R ms")
                .replaceAll("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d", "DATE")
                .replaceAll(" +", " "); // a table's columns are as wide as their widest (masked) time
    }

    /** The thin client as the launcher runs it, stdout and stderr piped. */
    private static Run client(Map<String, String> env, String... args) throws Exception {
        return new CliProcess("dev.meshwire.cli.QuickClient", tmp, WAIT).piped(env, args);
    }

    /** The thin client on a pseudo-terminal ({@code script}); stdout and stderr arrive together in {@code out}. */
    private static Run pty(Map<String, String> env, String... args) throws Exception {
        return new CliProcess("dev.meshwire.cli.QuickClient", tmp, WAIT).pty(env, args);
    }
}
