package dev.meshwire.cli;

import dev.meshwire.peer.daemon.RunningDaemon;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** One in-process CLI call ({@link Main#run}) with what it printed: the tests' way to drive {@code meshwire}. */
public record CliResult(int code, String out, String err) {

    /** Runs {@code meshwire args...} and captures stdout and stderr. */
    public static CliResult run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new CliResult(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** As {@link #cli}, with {@code env} as the caller's environment (the only variables the CLI sees). */
    public static CliResult cliWithEnv(RunningDaemon d, java.util.Map<String, String> env, String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--home";
        all[1] = d.home().root().toString();
        System.arraycopy(args, 0, all, 2, args.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new Main.Invocation(java.nio.file.Path.of("").toAbsolutePath(), env, false),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), all);
        return new CliResult(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Runs {@code meshwire --home <d's home> args...}: the CLI of the machine {@code d} runs on. */
    public static CliResult cli(RunningDaemon d, String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--home";
        all[1] = d.home().root().toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return run(all);
    }
}
