package dev.meshwire.cli;

import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.daemon.Daemon;
import dev.meshwire.peer.ipc.IpcException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import dev.meshwire.cli.term.Style;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code meshwire} command line: the root command, the global {@code --home} option, and the
 * translation of every failure into one line on stderr with a documented exit code (docs/cli.md);
 * never a stack trace. Each verb is its own class ({@code *Command}); every verb except
 * {@code up --foreground}, {@code coordinator}, {@code turn} and {@code demo} talks to the local daemon over IPC
 * (starting it if needed, see {@link Verb}).
 */
@Command(name = "meshwire", mixinStandardHelpOptions = true, version = "meshwire " + Daemon.VERSION,
        description = "Peer-to-peer messaging between machines, through a coordinator.",
        subcommands = {UpCommand.class, DownCommand.class, StatusCommand.class, MeshCommand.class, InviteCommand.class,
                JoinCommand.class, PeersCommand.class, MembersCommand.class, PingCommand.class, SendCommand.class, MsgCommand.class, OutboxCommand.class, InboxCommand.class,
                WatchCommand.class, ModerateCommand.Kick.class, ModerateCommand.Ban.class, ModerateCommand.Unban.class,
                RevokeCommand.class, RoleCommand.class, ExpireCommand.class, RenameCommand.class,
                ReconnectCommand.class, LeaveCommand.class, BansCommand.class, CoordinatorCommand.class, TurnCommand.class, DemoCommand.class,
                NatTestCommand.class, CompletionCommand.class})
public final class Main implements Runnable {
    @Option(names = "--home", paramLabel = "DIR", scope = CommandLine.ScopeType.INHERIT,
            description = "meshwire state directory (default: $MESHWIRE_HOME, else ~/.meshwire)")
    Path home;

    @Option(names = "--no-color", scope = CommandLine.ScopeType.INHERIT,
            description = "plain text even on a terminal (colour is also off when stdout is not a terminal or NO_COLOR is set)")
    boolean noColor;

    PrintStream out = System.out;
    PrintStream err = System.err;

    @Spec
    CommandSpec spec;

    /** How this call's stdout is styled: colour only for a terminal, and never with {@code --no-color} or {@code NO_COLOR}. */
    Style style() {
        return Style.decide(noColor, out == System.out && Style.stdoutIsTerminal(), System.getenv());
    }

    @Override
    public void run() {
        spec.commandLine().usage(out);
    }

    public static void main(String[] args) {
        // Long-running modes log their progress; one-shot verbs stay quiet (warnings only).
        List<String> a = Arrays.asList(args);
        String verb = verb(a);
        if (("up".equals(verb) && a.contains("--foreground")) || "coordinator".equals(verb) || "turn".equals(verb)) {
            System.setProperty("org.slf4j.simpleLogger.log.dev.meshwire", "info");
        }
        int code = run(System.out, System.err, args);
        System.exit(code);
    }

    /** The verb: the first argument that is neither an option nor the value of {@code --home}. */
    private static String verb(List<String> args) {
        for (int i = 0; i < args.size(); i++) {
            String x = args.get(i);
            if (x.equals("--home")) i++;
            else if (!x.startsWith("-")) return x;
        }
        return null;
    }

    /** True when the verb that ran (the innermost subcommand) was given {@code --json}. */
    private static boolean jsonMatched(CommandLine.ParseResult parsed) {
        CommandLine.ParseResult p = parsed;
        while (p.hasSubcommand()) p = p.subcommand();
        return p.hasMatchedOption("--json");
    }

    /**
     * The command line for {@code args}; without arguments, every verb (CliReferenceTest documents that tree, and
     * {@code completion} completes it).
     */
    static CommandLine commandLine(Main main, String... args) {
        return new CommandLine(main);
    }

    /** Runs one command in-process (tests use this) and returns its exit code. */
    public static int run(PrintStream out, PrintStream err, String... args) {
        Main main = new Main();
        main.out = out;
        main.err = err;
        CommandLine cl = commandLine(main, args);
        HelpText.apply(cl);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        // Help is coloured by the same rule as output; --no-color is looked for before parsing, since help may be
        // what the parse produces.
        boolean plain = Arrays.asList(args).contains("--no-color");
        cl.setColorScheme(CommandLine.Help.defaultColorScheme(
                Style.decide(plain, out == System.out && Style.stdoutIsTerminal(), System.getenv()).on() ? CommandLine.Help.Ansi.ON : CommandLine.Help.Ansi.OFF));
        // --json on the command line: a failure is also printed as the IPC error shape on stdout.
        boolean json = Arrays.asList(args).contains("--json");
        cl.setParameterExceptionHandler((ex, a) -> {
            String cmd = ex.getCommandLine().getCommandSpec().qualifiedName();
            new ErrorOutput(out, err, json).report(ErrorOutput.USAGE, UsageError.line(ex) + " (see '" + cmd + " --help')");
            return ExitCodes.USAGE;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            ErrorOutput report = new ErrorOutput(out, err, jsonMatched(parsed));
            if (ex instanceof PeerException pe) {
                report.report(pe);
                return ExitCodes.of(pe.code());
            }
            if (ex instanceof IpcException ie) {
                report.report(ie);
                return ExitCodes.of(ie.code());
            }
            report.report(PeerException.INTERNAL, "unexpected error: " + ex);
            return ExitCodes.FAILED;
        });
        return cl.execute(args);
    }
}
