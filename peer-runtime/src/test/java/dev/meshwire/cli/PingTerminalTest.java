package dev.meshwire.cli;

import static dev.meshwire.peer.TestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.coordinator.Coordinator;
import dev.meshwire.coordinator.CoordinatorConfig;
import dev.meshwire.peer.daemon.Daemon;
import dev.meshwire.peer.daemon.DaemonOptions;
import dev.meshwire.peer.ipc.WireClient;
import dev.meshwire.peer.p2p.P2pMode;
import dev.meshwire.peer.p2p.P2pSettings;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code meshwire ping} in a real terminal: the CLI runs as its own process under a pty ({@code script}), against
 * real daemons and a real coordinator. Each reply is printed when it arrives (the first line is on the terminal
 * about a second before the next, and before the process ends), and the exit code says whether the peer ever
 * answered.
 */
class PingTerminalTest {
    static final long WAIT = 30_000;
    @TempDir
    static Path tmp;
    static Coordinator coord;
    static Daemon alice, bob, carol;

    /** A line as the terminal showed it, and when (ms after the process started). */
    record Line(long atMs, String text, boolean pingStillRunning) {}

    record Run(int code, List<Line> lines, long endedAtMs) {}

    @BeforeAll
    static void setUp() throws Exception {
        coord = Coordinator.start(CoordinatorConfig.defaults(tmp.resolve("coord")).withListen("127.0.0.1", 0).withStunPort(-1));
        P2pSettings off = P2pSettings.defaults().withMode(P2pMode.OFF);
        alice = Daemon.start(DaemonOptions.of(tmp.resolve("alice")).withP2p(off));
        bob = Daemon.start(DaemonOptions.of(tmp.resolve("bob")).withP2p(off));
        carol = Daemon.start(DaemonOptions.of(tmp.resolve("carol")).withP2p(off));
        WireClient a = WireClient.of(alice.client());
        a.createMesh("team", coord.publicUrl(), "alice", coord.adminToken());
        String invite = a.invite(null, 2, 3_600_000).path("invite").asText();
        WireClient.of(bob.client()).join(invite, "bob");
        WireClient.of(carol.client()).join(invite, "carol");
        await("alice sees bob online", WAIT, () -> a.seesOnline("bob"));
        carol.close();
        carol = null;
        await("alice sees carol offline", WAIT, () -> !a.seesOnline("carol") && known(a, "carol"));
    }

    @AfterAll
    static void tearDown() {
        for (Daemon x : new Daemon[] {carol, bob, alice}) if (x != null) x.close();
        if (coord != null) coord.close();
    }


    static boolean known(WireClient cl, String name) {
        for (JsonNode p : cl.peers(null).path("items")) if (name.equals(p.path("name").asText())) return true;
        return false;
    }

    /** Runs {@code meshwire --home <alice> args...} under a pty and records each line with its arrival time. */
    static Run ptyRun(String... args) throws Exception {
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        StringBuilder cmd = new StringBuilder();
        for (String s : new String[] {java, "-Xmx128m", "-cp", System.getProperty("java.class.path"), "dev.meshwire.cli.Main",
                "--home", alice.home().root().toString()}) {
            cmd.append(quote(s)).append(' ');
        }
        for (String s : args) cmd.append(quote(s)).append(' ');
        // script: -q quiet, -f flush at once, -e the child's exit code; the child's stdout is the pty.
        ProcessBuilder pb = new ProcessBuilder("script", "-qfec", cmd.toString(), "/dev/null").redirectErrorStream(true);
        pb.environment().put("TERM", "xterm");
        long t0 = System.nanoTime();
        Process p = pb.start();
        p.getOutputStream().close();
        List<Line> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String l; (l = r.readLine()) != null; ) {
                String text = l.replace("\r", "").replaceAll("\u001B\\[[0-9;]*m", "");
                if (!text.isBlank()) lines.add(new Line((System.nanoTime() - t0) / 1_000_000, text, p.isAlive()));
            }
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "ping ended");
        return new Run(p.exitValue(), lines, (System.nanoTime() - t0) / 1_000_000);
    }

    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    @Test
    void eachReplyIsPrintedAsItArrivesAndTheRunExitsZero() throws Exception {
        Run run = ptyRun("ping", "bob", "-c", "3");
        assertEquals(0, run.code(), run.lines().toString());
        List<Line> pongs = run.lines().stream().filter(l -> l.text().startsWith("pong from bob via coordinator relay in ")).toList();
        assertEquals(3, pongs.size(), run.lines().toString());
        // Streamed: rounds are a second apart, so while the first reply is on the terminal two more rounds are still to
        // come and ping is still running. (Output buffered to the end would only appear once the process is gone.)
        // No timing between lines is asserted: on a loaded machine replies can bunch up.
        assertTrue(pongs.get(0).pingStillRunning(), "the first reply is shown while ping still runs: " + pongs);
    }

    @Test
    void anOfflinePeerExitsFiveAndSaysWhy() throws Exception {
        Run run = ptyRun("ping", "CAROL", "-c", "2");
        assertEquals(5, run.code(), run.lines().toString());
        List<String> texts = run.lines().stream().map(Line::text).toList();
        assertEquals(2, texts.stream().filter(t -> t.equals("no reply from carol via coordinator relay: carol is offline")).count(), texts.toString());
        assertTrue(texts.contains("meshwire: no reply from carol: carol is offline"), texts.toString());
    }

    @Test
    void untilDirectWithoutADirectPathTimesOutWithExitFive() throws Exception {
        Run run = ptyRun("ping", "bob", "--until-direct", "--timeout", "3s");
        assertEquals(5, run.code(), run.lines().toString());
        List<String> texts = run.lines().stream().map(Line::text).toList();
        assertTrue(texts.stream().filter(t -> t.startsWith("pong from bob via coordinator relay")).count() >= 2, texts.toString());
        assertTrue(texts.get(texts.size() - 1).startsWith("meshwire: no direct path to bob within 3s ("), texts.toString());
    }
}
