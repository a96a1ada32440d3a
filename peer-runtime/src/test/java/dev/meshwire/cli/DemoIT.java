package dev.meshwire.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README's first command, {@code ./meshwire demo}, as the packaged jar runs it (the launcher only builds and then
 * runs this jar; LauncherRebuildTest covers the launcher): a coordinator and two daemons in one process, a mesh, an
 * invite, messages both ways and to everyone, each in the right inbox. Runs after {@code package}, so it is an IT.
 */
class DemoIT {
    private static final Path JAR = Path.of("target", "meshwire.jar");

    @TempDir
    Path tmp;

    @Test
    void demoDeliversEveryMessageAndSaysSo() throws Exception {
        assertTrue(Files.isRegularFile(JAR), "the packaged jar (mvn package) at " + JAR.toAbsolutePath());
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        ProcessBuilder pb = new ProcessBuilder("java", "-jar", JAR.toString(), "demo")
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        pb.environment().put("NO_COLOR", "1");
        pb.environment().put("MESHWIRE_HOME", tmp.resolve("home").toString()); // never the developer's own home
        Process p = pb.start();
        // Generous: a coordinator, two daemons and WebRTC start on a loaded 2-core CI machine.
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "demo finished");
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), "exit code; stdout:\n" + stdout + "\nstderr:\n" + stderr);
        assertTrue(stdout.contains("demo OK: every message arrived"), stdout);
        assertTrue(stdout.contains("hello bob, this is alice") && stdout.contains("hi alice, bob here")
                && stdout.contains("hello everyone"), "each message shown in an inbox:\n" + stdout);
    }
}
