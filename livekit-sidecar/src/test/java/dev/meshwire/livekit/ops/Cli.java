package dev.meshwire.livekit.ops;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The meshwire CLI as a real child process: {@code java -cp <this JVM's class path> dev.meshwire.cli.Main ...} (the
 * test class path holds peer-runtime and livekit-sidecar, so the sidecar plug-in verb is there as it is with the
 * launcher), or any command line ({@link #command}). stdin is /dev/null; MESHWIRE_HOME and NO_COLOR are removed.
 */
final class Cli {
    record Run(int code, String out, String err) {}

    private final Path tmp;
    private final long waitMs;

    Cli(Path tmp, long waitMs) {
        this.tmp = tmp;
        this.waitMs = waitMs;
    }

    Run meshwire(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.meshwire.cli.Main"));
        cmd.addAll(List.of(args));
        return command(cmd);
    }

    Run command(List<String> cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().remove("MESHWIRE_HOME");
        pb.environment().remove("NO_COLOR");
        pb.environment().remove("MESHWIRE_NO_FORWARD");
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(waitMs, TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + cmd + "; stderr so far: " + Files.readString(err));
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }
}
