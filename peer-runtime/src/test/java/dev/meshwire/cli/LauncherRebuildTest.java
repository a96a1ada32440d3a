package dev.meshwire.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./meshwire} launcher builds once after a source changed, not on every call: when only another module
 * changed (a coordinator source), Maven leaves peer-runtime's jar untouched, so the launcher records the build in a
 * stamp of its own — without touching the jar, whose time the class-data-sharing archive was built against.
 * Runs the real script in a scratch checkout with a stand-in {@code mvn} that only records that it was called.
 */
class LauncherRebuildTest {
    private static final Path LAUNCHER = Path.of("..", "meshwire");

    @TempDir
    Path tmp;

    @Test
    void aChangeInAnotherModuleBuildsOnceNotOnEveryCall() throws Exception {
        Path checkout = tmp.resolve("checkout");
        Files.createDirectories(checkout.resolve("peer-runtime/target"));
        Files.copy(LAUNCHER, checkout.resolve("meshwire"));
        Path jar = Files.writeString(checkout.resolve("peer-runtime/target/meshwire.jar"), "not a jar");
        Files.setLastModifiedTime(jar, FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
        Path source = checkout.resolve("coordinator/src/main/java/Changed.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, "class Changed {}");
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path calls = tmp.resolve("mvn-calls.txt");
        Path mvn = Files.writeString(bin.resolve("mvn"), "#!/bin/sh\necho called >> '" + calls + "'\n");
        Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));

        FileTime jarTime = Files.getLastModifiedTime(jar);
        for (int i = 0; i < 2; i++) {
            ProcessBuilder pb = new ProcessBuilder("bash", checkout.resolve("meshwire").toString(), "--version")
                    .redirectErrorStream(true).redirectOutput(tmp.resolve("out-" + i + ".txt").toFile());
            pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
            Process p = pb.start();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the launcher finished");
        }
        List<String> built = Files.readAllLines(calls, StandardCharsets.UTF_8);
        assertEquals(1, built.size(), "built once: " + Files.readString(tmp.resolve("out-1.txt")));
        assertTrue(Files.readString(tmp.resolve("out-0.txt")).contains("meshwire: building"), "the first call built");
        assertEquals(jarTime, Files.getLastModifiedTime(jar), "the jar is left as the build made it");
    }
}
