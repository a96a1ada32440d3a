package dev.meshwire.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./meshwire} launcher's JVM flags by verb: one-shot verbs get the start-up flags and the CDS archive
 * (when it exists), long-running modes get none. Runs the real script from the checkout in a copied layout whose
 * {@code java} is a stub that prints its arguments, so no JVM and no build are involved.
 */
class LauncherFlagsTest {
    static final String CLIENT_FLAG = "-XX:TieredStopAtLevel=1";

    @TempDir
    Path tmp;
    Path launcher;
    Path jsa;

    @BeforeEach
    void layout() throws IOException {
        Path script = Path.of("..", "meshwire").toAbsolutePath().normalize();
        assertTrue(Files.isRegularFile(script), "the launcher at " + script);
        launcher = tmp.resolve("meshwire");
        Files.copy(script, launcher, StandardCopyOption.COPY_ATTRIBUTES);
        Path target = Files.createDirectories(tmp.resolve("peer-runtime/target"));
        Files.writeString(target.resolve("meshwire.jar"), "");
        jsa = Files.writeString(target.resolve("meshwire.jsa"), "");
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path java = bin.resolve("java");
        Files.writeString(java, "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwx------"));
    }

    /** The arguments the launcher passes to java for {@code args}. */
    List<String> javaArgs(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", launcher.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("PATH", tmp.resolve("bin") + ":/usr/bin:/bin");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out.lines().toList();
    }

    @Test
    void oneShotVerbsGetTheStartUpFlagsAndTheArchive() throws Exception {
        for (String[] v : new String[][] {{"status"}, {"--home", "/x", "send", "bob", "hi"}, {"--version"}, {"up"},
                {"--home=/x", "peers"}, {"mesh", "create", "team", "--coordinator", "ws://h:1"}}) {
            List<String> a = javaArgs(v);
            assertTrue(a.contains(CLIENT_FLAG), String.join(" ", v) + " -> " + a);
            assertTrue(a.contains("-XX:+UseSerialGC"), a.toString());
            assertTrue(a.contains("-XX:SharedArchiveFile=" + jsa), a.toString());
            assertTrue(a.contains("-Xshare:auto"), "a stale archive is ignored, never fatal: " + a);
            assertEquals(List.of(v), a.subList(a.size() - v.length, a.size()), "the verb's arguments pass unchanged");
            assertEquals("dev.meshwire.cli.QuickClient", a.get(a.size() - v.length - 1), "one-shot verbs start the thin client: " + a);
        }
    }

    @Test
    void longRunningModesKeepTheServerDefaults() throws Exception {
        for (String[] v : new String[][] {{"up", "--foreground"}, {"--home", "/x", "up", "--foreground"}, {"coordinator", "--listen", "0.0.0.0:7600"},
                {"turn"}, {"demo"}, {"--home", "coordinator", "demo"}}) {
            List<String> a = javaArgs(v);
            assertFalse(a.stream().anyMatch(x -> x.startsWith("-XX:")), String.join(" ", v) + " -> " + a);
            assertEquals("-jar", a.get(0), a.toString());
        }
    }

    @Test
    void withoutAnArchiveOneShotVerbsStillGetTheOtherFlags() throws Exception {
        Files.delete(jsa);
        List<String> a = javaArgs("status");
        assertTrue(a.contains(CLIENT_FLAG), a.toString());
        assertFalse(a.stream().anyMatch(x -> x.contains("SharedArchiveFile")), a.toString());
    }
    @Test
    void theSidecarPlugInVerbRunsWithTheSidecarsClassPath() throws Exception {
        Path sidecarJar = Files.writeString(Files.createDirectories(tmp.resolve("livekit-sidecar/target")).resolve("livekit-sidecar.jar"), "");
        List<String> bridge = javaArgs("sidecar", "livekit", "--url", "ws://h:7880");
        assertFalse(bridge.stream().anyMatch(x -> x.startsWith("-XX:")), "a bridge runs until stopped: server defaults " + bridge);
        assertEquals(List.of("-cp", sidecarJar.toString(), "dev.meshwire.cli.Main", "sidecar", "livekit", "--url", "ws://h:7880"), bridge);
        for (String[] v : new String[][] {{"sidecar", "status"}, {"--home", "/x", "sidecar", "livekit", "--managed"}, {"--help"}, {}}) {
            List<String> a = javaArgs(v);
            assertTrue(a.contains(CLIENT_FLAG), String.join(" ", v) + " -> " + a);
            assertFalse(a.stream().anyMatch(x -> x.contains("SharedArchiveFile")), "the archive has meshwire.jar's class path: " + a);
            assertEquals(List.of("-cp", sidecarJar.toString(), "dev.meshwire.cli.Main"), a.subList(a.size() - v.length - 3, a.size() - v.length), a.toString());
        }
        List<String> other = javaArgs("status");
        assertEquals("dev.meshwire.cli.QuickClient", other.get(other.size() - 2), "other verbs do not get the side-car: " + other);
    }
}
