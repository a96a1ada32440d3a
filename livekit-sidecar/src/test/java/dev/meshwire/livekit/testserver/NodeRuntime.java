package dev.meshwire.livekit.testserver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Node.js with LiveKit's client SDK installed: copies src/test/node (package.json pinning {@code @livekit/rtc-node}
 * 1.1.0, participant.mjs) to target/livekit-node and runs {@code npm install} there once (kept across runs until
 * {@code mvn clean}).
 */
public final class NodeRuntime {
    public static final String RTC_NODE_VERSION = "1.1.0";
    private static final Path SOURCE = Path.of("src", "test", "node");
    private static final Path DIR = Path.of("target", "livekit-node");
    private static Path installed;

    private NodeRuntime() {}

    /** Whether {@code node} and {@code npm} run here (CI installs both: .ci/run). */
    public static boolean available() {
        return runs(List.of("node", "--version")) && runs(List.of("npm", "--version"));
    }

    /** A JUnit assumption: the calling tests are skipped where node and npm do not run. */
    public static void assumeAvailable() {
        Assumptions.assumeTrue(available(), "node/npm not on PATH: install nodejs and npm to run LiveKit SDK tests (CI installs them: .ci/run)");
    }

    /** The directory holding participant.mjs and node_modules, installing on first call. */
    public static synchronized Path dir() throws IOException, InterruptedException {
        if (installed != null) return installed;
        Files.createDirectories(DIR);
        for (String f : List.of("package.json", "participant.mjs")) {
            Files.copy(SOURCE.resolve(f), DIR.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        Path marker = DIR.resolve("node_modules/@livekit/rtc-node/package.json");
        if (!Files.exists(marker) || !Files.readString(marker).contains("\"version\": \"" + RTC_NODE_VERSION + "\"")) {
            Process p = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--loglevel=error")
                    .directory(DIR.toFile()).redirectErrorStream(true)
                    .redirectOutput(DIR.resolve("npm-install.log").toFile()).start();
            if (!p.waitFor(15, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException("npm install did not finish within 15 minutes (see " + DIR.resolve("npm-install.log") + ")");
            }
            if (p.exitValue() != 0) {
                throw new IOException("npm install failed with exit " + p.exitValue() + ":\n" + Files.readString(DIR.resolve("npm-install.log")));
            }
        }
        installed = DIR.toAbsolutePath();
        return installed;
    }

    private static boolean runs(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
