package dev.meshwire.nattest.topology;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs short external commands ({@code ip}, {@code nft}) with a deadline, capturing their output. */
public final class Cmd {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);

    private Cmd() {}

    public record Result(List<String> command, int exit, String output) {
        public boolean ok() {
            return exit == 0;
        }

        public Result check() {
            if (exit != 0) throw new CommandFailedException(this);
            return this;
        }
    }

    public static final class CommandFailedException extends RuntimeException {
        public final Result result;

        CommandFailedException(Result r) {
            super("command failed (exit " + r.exit + "): " + String.join(" ", r.command) + ": " + r.output.strip());
            this.result = r;
        }
    }

    public static Result run(List<String> command) {
        return run(command, null, DEFAULT_TIMEOUT);
    }

    /** Runs {@code command}, feeding {@code stdin} if not null; stdout and stderr are merged. */
    public static Result run(List<String> command, String stdin, Duration timeout) {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (stdin == null) pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return new Result(command, 127, e.getMessage());
        }
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
        try {
            if (stdin != null) {
                try (var in = p.getOutputStream()) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                return new Result(command, 124, "timed out after " + timeout);
            }
            return new Result(command, p.exitValue(), out.get(5, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return new Result(command, 130, "interrupted");
        } catch (IOException | ExecutionException | TimeoutException e) {
            p.destroyForcibly();
            return new Result(command, 1, String.valueOf(e));
        }
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
