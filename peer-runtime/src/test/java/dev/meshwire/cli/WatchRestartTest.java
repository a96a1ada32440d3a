package dev.meshwire.cli;

import static dev.meshwire.peer.TestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.coordinator.Coordinator;
import dev.meshwire.coordinator.CoordinatorConfig;
import dev.meshwire.peer.daemon.Daemon;
import dev.meshwire.peer.daemon.DaemonOptions;
import dev.meshwire.peer.daemon.ForegroundDaemon;
import dev.meshwire.peer.home.MeshwireHome;
import dev.meshwire.peer.ipc.api.CreateMeshRequest;
import dev.meshwire.peer.ipc.api.SendRequest;
import java.util.Map;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code watch} keeps following across a daemon restart: it says so on stderr, shows the message that arrived
 * while it was reconnecting (read back from the inbox), and shows no message twice. Real coordinator, real daemons.
 */
class WatchRestartTest {
    static final long WAIT = 30_000;
    @TempDir
    Path tmp;

    @Test
    void watchSurvivesADaemonRestartWithoutLosingOrRepeatingMessages() throws Exception {
        Coordinator coord = Coordinator.start(CoordinatorConfig.defaults(tmp.resolve("coord")).withListen("127.0.0.1", 0).withStunPort(-1));
        Daemon alice = Daemon.start(DaemonOptions.of(tmp.resolve("alice")));
        Daemon bob = Daemon.start(DaemonOptions.of(tmp.resolve("bob")));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread watch = new Thread(() -> Main.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), "--home", tmp.resolve("bob").toString(), "watch"), "watch");
        try {
            String invite = alice.client().createMesh(new dev.meshwire.peer.ipc.api.CreateMeshRequest("team", coord.publicUrl(), "alice", coord.adminToken())).invite();
            bob.client().join(invite, "bob");
            alice.client().send(new dev.meshwire.peer.ipc.api.SendRequest(null, "bob", "before watch")); // already in the inbox: never shown by watch
            var firstBob = bob.client();
            await("bob stored the first message", WAIT, () -> firstBob.inbox(new dev.meshwire.peer.ipc.api.InboxQuery(null, 10, false, true)).items().stream().anyMatch(m -> m.text().equals("before watch")));

            watch.start();
            await("watch is following", WAIT, () -> text(out).contains("watching "));
            alice.client().send(new dev.meshwire.peer.ipc.api.SendRequest(null, "bob", "m1"));
            await("watch shows m1", WAIT, () -> text(out).contains(": m1"));

            bob.close();
            await("watch noticed the daemon stopped", WAIT, () -> text(err).contains("the daemon stopped; waiting for it to come back"));
            alice.client().send(new dev.meshwire.peer.ipc.api.SendRequest(null, "bob", "m2 while bob was down"));
            bob = Daemon.start(DaemonOptions.of(tmp.resolve("bob")));
            await("watch reconnected", WAIT, () -> text(err).contains("daemon restarted, reconnected"));
            await("watch shows the message that came while it was away", WAIT, () -> text(out).contains(": m2 while bob was down"));
            alice.client().send(new dev.meshwire.peer.ipc.api.SendRequest(null, "bob", "m3"));
            await("watch shows m3", WAIT, () -> text(out).contains(": m3"));

            String shown = text(out);
            assertEquals(1, occurrences(shown, ": m1"), shown);
            assertEquals(1, occurrences(shown, ": m2 while bob was down"), shown);
            assertEquals(1, occurrences(shown, ": m3"), shown);
            assertFalse(shown.contains("before watch"), shown);
            assertFalse(text(err).contains("Exception"), text(err));
        } finally {
            bob.close();
            await("watch waits for the daemon again", WAIT, () -> occurrences(text(err), "the daemon stopped") >= 1);
            watch.interrupt();
            watch.join(30_000);
            alice.close();
            coord.close();
        }
    }

    /** The daemon is a separate process that is killed (SIGKILL, as in a crash) and started again. */
    @Test
    void watchSurvivesADaemonCrash() throws Exception {
        Coordinator coord = Coordinator.start(CoordinatorConfig.defaults(tmp.resolve("coord")).withListen("127.0.0.1", 0).withStunPort(-1));
        Daemon alice = Daemon.start(DaemonOptions.of(tmp.resolve("alice")));
        MeshwireHome bobHome = MeshwireHome.at(tmp.resolve("bob"));
        ForegroundDaemon bob = ForegroundDaemon.start(bobHome, Map.of());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread watch = new Thread(() -> Main.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), "--home", bobHome.root().toString(), "watch", "--json"), "watch");
        try {
            String invite = alice.client().createMesh(new CreateMeshRequest("team", coord.publicUrl(), "alice", coord.adminToken())).invite();
            bob.client().typed().join(invite, "bob");
            watch.start();
            ForegroundDaemon first = bob;
            await("watch is following", WAIT, () -> first.client().typed().status().daemon().events().open() == 1);
            alice.client().send(new SendRequest(null, "bob", "c1"));
            await("watch shows c1", WAIT, () -> text(out).contains("\"text\":\"c1\""));

            bob.signal("KILL");
            await("watch noticed", WAIT, () -> text(err).contains("the daemon stopped; waiting for it to come back"));
            alice.client().send(new SendRequest(null, "bob", "c2 during the crash"));
            bob = ForegroundDaemon.start(bobHome, Map.of());
            await("watch reconnected", WAIT, () -> text(err).contains("daemon restarted, reconnected"));
            await("watch shows c2", WAIT, () -> text(out).contains("\"text\":\"c2 during the crash\""));
            String shown = text(out);
            assertEquals(1, occurrences(shown, "\"text\":\"c1\""), shown);
            assertEquals(1, occurrences(shown, "\"text\":\"c2 during the crash\""), shown);
            for (String line : shown.strip().split("\n")) {
                var obj = dev.meshwire.signaling.Json.MAPPER.readTree(line); // one JSON object per line
                assertTrue(obj.path("event").isTextual() && obj.path("data").isObject(), "{event, data}: " + line);
            }
        } finally {
            bob.destroy();
            await("watch waits for the daemon again", WAIT, () -> occurrences(text(err), "the daemon stopped") >= 2);
            watch.interrupt();
            watch.join(30_000);
            alice.close();
            coord.close();
        }
    }

    private static String text(ByteArrayOutputStream s) {
        return s.toString(StandardCharsets.UTF_8);
    }

    private static int occurrences(String text, String what) {
        Matcher m = Pattern.compile(Pattern.quote(what)).matcher(text);
        int n = 0;
        while (m.find()) n++;
        return n;
    }
}
