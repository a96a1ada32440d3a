package dev.meshwire.livekit.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code sidecar} verb in the {@code meshwire} command line, run as a user runs it (a real process of
 * {@code dev.meshwire.cli.Main} with the side-car module on the class path): listed by {@code meshwire --help}, its
 * help, and its one-line errors. (LauncherIT runs the same through the {@code ./meshwire} script on the packaged jars.)
 */
class SidecarVerbTest {
    @TempDir
    Path tmp;

    @Test
    void theRootListsTheSidecarVerbAndItsHelpWorks() throws Exception {
        Cli cli = new Cli(tmp, 60_000);
        Cli.Run root = cli.meshwire("--help");
        assertEquals(0, root.code(), root.err());
        assertTrue(root.out().lines().anyMatch(l -> l.strip().startsWith("sidecar ") && l.contains("LiveKit")), root.out());
        assertTrue(root.out().lines().anyMatch(l -> l.strip().startsWith("status ")), "the built-in verbs are still there: " + root.out());

        Cli.Run help = cli.meshwire("sidecar", "livekit", "--help");
        assertEquals(0, help.code(), help.err());
        assertTrue(help.out().startsWith("Usage: meshwire sidecar livekit "), help.out());
        for (String o : new String[] {"--url", "--room", "--mesh", "--api-key", "--api-secret-file", "--token-file", "--managed", "--metrics",
                "--home", "--max-file-bytes"}) {
            assertTrue(help.out().contains(o), o + " in " + help.out());
        }
        assertTrue(help.out().contains("meshwire sidecar livekit --url ws://localhost:7880 --room standup"), "the examples: " + help.out());
        Cli.Run group = cli.meshwire("sidecar", "--help");
        assertEquals(0, group.code(), group.err());
        assertTrue(group.out().contains("livekit") && group.out().contains("status") && group.out().contains("stop"), group.out());
    }

    @Test
    void mistakesAreOneLineWithTheirExitCode() throws Exception {
        Cli cli = new Cli(tmp, 60_000);
        Cli.Run bare = cli.meshwire("sidecar");
        assertEquals(2, bare.code(), bare.out() + bare.err());
        assertTrue(bare.err().startsWith("meshwire: missing subcommand (livekit, status, stop)"), bare.err());
        Cli.Run noDaemon = cli.meshwire("--home", tmp.resolve("nobody").toString(), "sidecar", "status");
        assertEquals(3, noDaemon.code(), noDaemon.err());
        assertEquals("meshwire sidecar status: no daemon is running for this MESHWIRE_HOME; start it with: meshwire up", noDaemon.err().strip());
        Cli.Run metricsWithoutToken = cli.meshwire("--home", tmp.resolve("nobody").toString(), "sidecar", "livekit", "--url", "ws://127.0.0.1:1",
                "--room", "r", "--mesh", "m", "--token-file", "/etc/hostname", "--metrics", "127.0.0.1:9464");
        assertEquals(2, metricsWithoutToken.code(), metricsWithoutToken.err());
        assertTrue(metricsWithoutToken.err().contains("--metrics needs --metrics-token-file"), metricsWithoutToken.err());
        assertEquals(1, metricsWithoutToken.err().strip().lines().count(), metricsWithoutToken.err());
    }
}
