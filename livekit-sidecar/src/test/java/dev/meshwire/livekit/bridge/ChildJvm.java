package dev.meshwire.livekit.bridge;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A main class of this class path run as its own process (a daemon, a side-car), so that a test can SIGKILL it:
 * {@link #kill()} is {@code destroyForcibly}, which is SIGKILL on Unix — no shutdown hook runs, nothing is flushed.
 * Output goes to {@code log} (appended across restarts).
 */
final class ChildJvm implements AutoCloseable {
    private final Process process;
    private final Path log;

    private ChildJvm(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static ChildJvm start(Path log, String mainClass, String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(List.of(args));
        Files.createDirectories(log.getParent());
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("MESHWIRE_TEST_"));
        return new ChildJvm(pb.start(), log);
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Throws with the log's tail when the process has exited. */
    void checkAlive(String what) {
        if (!process.isAlive()) throw new AssertionError(what + " exited with " + process.exitValue() + "; log:\n" + tail());
    }

    /** SIGKILL, and waits until the process is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) throw new AssertionError("still alive 30 s after SIGKILL: " + process.pid());
    }

    String tail() {
        try {
            String s = Files.readString(log);
            return s.length() > 6000 ? s.substring(s.length() - 6000) : s;
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) kill();
    }
}
