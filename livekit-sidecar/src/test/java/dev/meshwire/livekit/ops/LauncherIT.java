package dev.meshwire.livekit.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./meshwire} launcher at the checkout's root, on the packaged jars, exactly as a user types it:
 * {@code meshwire --help} lists {@code sidecar}, and {@code meshwire sidecar livekit --help} answers (the launcher puts
 * target/livekit-sidecar.jar on the class path for it; docs/architecture.md "Plug-in verbs").
 */
class LauncherIT {
    @TempDir
    Path tmp;

    @Test
    void theLauncherRunsTheSidecarVerb() throws Exception {
        Path launcher = Path.of("").toAbsolutePath().getParent().resolve("meshwire");
        assertTrue(Files.isExecutable(launcher), launcher.toString());
        assertTrue(Files.exists(Path.of("target", "livekit-sidecar.jar")), "runs after package");
        Cli cli = new Cli(tmp, 120_000);
        Cli.Run help = cli.command(List.of(launcher.toString(), "sidecar", "livekit", "--help"));
        assertEquals(0, help.code(), help.err());
        assertTrue(help.out().startsWith("Usage: meshwire sidecar livekit "), help.out() + help.err());
        assertTrue(help.out().contains("--managed"), help.out());
        Cli.Run root = cli.command(List.of(launcher.toString(), "--help"));
        assertEquals(0, root.code(), root.err());
        assertTrue(root.out().lines().anyMatch(l -> l.strip().startsWith("sidecar ")), root.out());
        // a built-in verb still runs without the side-car on its class path
        Cli.Run status = cli.command(List.of(launcher.toString(), "--home", tmp.resolve("h").toString(), "status", "--help"));
        assertEquals(0, status.code(), status.err());
        assertTrue(status.out().startsWith("Usage: meshwire status"), status.out());
    }
}
