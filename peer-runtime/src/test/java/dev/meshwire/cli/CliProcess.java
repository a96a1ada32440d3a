package dev.meshwire.cli;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A CLI entry point ({@code dev.meshwire.cli.Main} or the thin {@code QuickClient}) run as a child process with this
 * JVM's class path, stdin from /dev/null, {@code TERM=xterm-256color}, and none of {@code NO_COLOR},
 * {@code MESHWIRE_HOME}, {@code MESHWIRE_NO_FORWARD} unless {@code env} sets them: piped, or on a pseudo-terminal
 * ({@code script}) where stdout and stderr arrive together in {@link Run#out}.
 */
final class CliProcess {
    /** What one run printed and its exit code ({@code err} is empty on a pseudo-terminal). */
    record Run(int code, String out, String err) {}

    private final String mainClass;
    private final Path tmp;
    private final long waitMs;

    /** Runs {@code mainClass}; output goes through files in {@code tmp}; a run longer than {@code waitMs} fails. */
    CliProcess(String mainClass, Path tmp, long waitMs) {
        this.mainClass = mainClass;
        this.tmp = tmp;
        this.waitMs = waitMs;
    }

    Run piped(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("java", mainClass));
        cmd.addAll(List.of(args));
        return run(cmd, env, false);
    }

    Run pty(Map<String, String> env, String... args) throws Exception {
        StringBuilder cmd = new StringBuilder("exec java ").append(mainClass);
        for (String a : args) cmd.append(" '").append(a.replace("'", "'\\''")).append('\'');
        return run(List.of("script", "-qec", cmd.toString(), "/dev/null"), env, true);
    }

    /** Any command ({@code cmd}) in the same environment, piped: for the shells that load the CLI's completions. */
    Run command(List<String> cmd, Map<String, String> env) throws Exception {
        return run(cmd, env, false);
    }

    private Run run(List<String> cmd, Map<String, String> env, boolean merge) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().remove("NO_COLOR");
        pb.environment().remove("MESHWIRE_HOME");
        pb.environment().remove("MESHWIRE_NO_FORWARD");
        pb.environment().put("TERM", "xterm-256color");
        pb.environment().put("CLASSPATH", System.getProperty("java.class.path"));
        pb.environment().putAll(env);
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        pb.redirectOutput(out.toFile());
        if (merge) pb.redirectErrorStream(true);
        else pb.redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(waitMs, TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + cmd);
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }
}
