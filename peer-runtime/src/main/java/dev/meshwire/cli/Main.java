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
import dev.meshwire.cli.plugin.PluginVerbs;
import dev.meshwire.cli.plugin.VerbPlugin;
import java.util.Set;
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
 *
 * <p>The verbs are registered from {@link #VERBS}, not from the {@code @Command} annotation, so that a
 * call naming a verb builds the picocli model of that verb only: building all of them took about a
 * third of a short verb's start-up (docs/benchmarks.md, "CLI start-up"). A call without a verb, with an
 * unknown one (for picocli's "did you mean"), or with a verb in {@link #WHOLE_TREE} gets every verb.
 * Verbs of other modules come in as {@link VerbPlugin}s (docs/architecture.md "Plug-in verbs"), looked up only when
 * the call names no built-in verb.
 */
@Command(name = "meshwire", mixinStandardHelpOptions = true, version = "meshwire " + Daemon.VERSION,
        description = "Peer-to-peer messaging between machines, through a coordinator.")
public final class Main implements Runnable {
    static {
        // picocli looks for Groovy closures (groovy.lang.Closure) when it first builds a model; that class is on no
        // jar, and the miss makes the class loader open every jar of the Class-Path (about 70) in each CLI call.
        if (System.getProperty("picocli.disable.closures") == null) System.setProperty("picocli.disable.closures", "true");
    }

    /** Every verb, in the order {@code --help} lists them. */
    static final List<Class<?>> VERBS = List.of(UpCommand.class, DownCommand.class, StatusCommand.class, MeshCommand.class, InviteCommand.class,
            JoinCommand.class, PeersCommand.class, SessionCommand.class, MembersCommand.class, PingCommand.class, SendCommand.class, FileCommand.class, MsgCommand.class, RpcCommand.class, OutboxCommand.class, InboxCommand.class,
            WatchCommand.class, ModerateCommand.Kick.class, ModerateCommand.Ban.class, ModerateCommand.Unban.class,
            RevokeCommand.class, RoleCommand.class, ExpireCommand.class, RenameCommand.class,
            GrantCommand.Grant.class, GrantCommand.Block.class, GrantCommand.ListGrants.class, GroupCommand.class, ServiceCommand.class, TopicCommand.class,
            ReconnectCommand.class, LeaveCommand.class, BansCommand.class, ConfigCommand.class, InstallServiceCommand.Install.class,
            InstallServiceCommand.Uninstall.class, DoctorCommand.class, CoordinatorCommand.class, TurnCommand.class, DemoCommand.class,
            NatTestCommand.class, CompletionCommand.class);

    /** Verbs that read the whole command tree (e.g. to generate completions), so they always get every verb. */
    static final Set<String> WHOLE_TREE = Set.of("completion", "help");

    @Option(names = "--home", paramLabel = "DIR", scope = CommandLine.ScopeType.INHERIT,
            description = "meshwire state directory (default: $MESHWIRE_HOME, else ~/.meshwire)")
    Path home;

    @Option(names = "--no-color", scope = CommandLine.ScopeType.INHERIT,
            description = "plain text even on a terminal (colour is also off when stdout is not a terminal or NO_COLOR is set)")
    boolean noColor;

    PrintStream out = System.out;
    PrintStream err = System.err;
    /** Where this call runs; every verb reads its environment, working directory and terminal from here. */
    private Invocation invocation;

    Invocation invocation() {
        if (invocation == null) invocation = Invocation.local(out);
        return invocation;
    }

    /**
     * Where one call runs: this process ({@link #local}), or a command line forwarded to the daemon (QuickClient,
     * ForwardedCli), which brings the caller's values so that the output is the same as a local run. No verb that
     * ForwardedVerbs forwards reads {@code System.getenv()}, the working directory or the console except through this
     * (the local-only verbs up, config, mesh create, coordinator still read their own process's environment).
     *
     * @param cwd              absolute; a relative {@code --home} resolves against it
     * @param env              the environment the CLI reads ({@code MESHWIRE_*}, {@code NO_COLOR}, {@code TERM})
     * @param stdoutIsTerminal colour needs a terminal ({@link Style#decide})
     */
    record Invocation(Path cwd, java.util.Map<String, String> env, boolean stdoutIsTerminal, java.time.ZoneId zone) {
        /** With the JVM's zone ({@code zone} null). */
        Invocation(Path cwd, java.util.Map<String, String> env, boolean stdoutIsTerminal) {
            this(cwd, env, stdoutIsTerminal, null);
        }

        /** This process: its working directory and environment; a terminal only if {@code out} is the real stdout. */
        static Invocation local(PrintStream out) {
            return new Invocation(Path.of("").toAbsolutePath(), System.getenv(), out == System.out && Style.stdoutIsTerminal());
        }
    }

    /** The home of this call: {@code --home} (against the call's working directory), else MESHWIRE_HOME, else ~/.meshwire. */
    dev.meshwire.peer.home.MeshwireHome resolveHome() {
        return dev.meshwire.peer.home.MeshwireHome.resolve(home == null ? null : invocation().cwd().resolve(home), invocation().env());
    }

    @Spec
    CommandSpec spec;

    /** How this call's stdout is styled: colour only for a terminal, and never with {@code --no-color} or {@code NO_COLOR}. */
    Style style() {
        return Style.decide(noColor, invocation().stdoutIsTerminal(), invocation().env());
    }

    @Override
    public void run() {
        spec.commandLine().usage(out);
    }

    /**
     * The entry point. It does not look at the arguments: logging starts quiet for every command, and a long-running
     * command (up --foreground, coordinator, turn) sets its own level in its {@code call()} ({@link LogSetup}).
     */
    public static void main(String[] args) {
        int code = run(System.out, System.err, args);
        ProcessExit.exit(code);
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
     * The command line for {@code args}: the root with only the verb {@code args} name, or with every verb
     * (see the class comment).
     */
    static CommandLine commandLine(Main main, String... args) {
        CommandLine cl = new CommandLine(main);
        List<String> a = Arrays.asList(args);
        String verb = verb(a);
        // a root option before the verb ("--help status") is about the root, which lists every verb
        boolean rootOption = verb != null && a.subList(0, a.indexOf(verb)).stream()
                .anyMatch(x -> x.startsWith("-") && !x.equals("--home") && !x.startsWith("--home="));
        Class<?> only = verb == null || rootOption || WHOLE_TREE.contains(verb) ? null
                : VERBS.stream().filter(c -> c.getAnnotation(Command.class).name().equals(verb)).findFirst().orElse(null);
        // "meshwire --version" needs no verb at all
        boolean versionOnly = verb == null && (a.contains("--version") || a.contains("-V")) && !a.contains("--help") && !a.contains("-h");
        if (versionOnly) return cl;
        if (only != null) {
            cl.addSubcommand(only);
            return cl;
        }
        // Plug-in verbs (docs/architecture.md "Plug-in verbs"): looked up only when no built-in verb is named, so that a
        // built-in verb never scans the class path for them. A call naming a plug-in's verb builds that verb only.
        List<String> builtIn = VERBS.stream().map(c -> c.getAnnotation(Command.class).name()).toList();
        List<VerbPlugin> plugins = PluginVerbs.load(builtIn, main.err);
        VerbPlugin named = verb == null || rootOption || WHOLE_TREE.contains(verb) ? null
                : plugins.stream().filter(p -> p.name().equals(verb)).findFirst().orElse(null);
        if (named != null) {
            cl.addSubcommand(named.name(), named.command(main::resolveHome));
            return cl;
        }
        for (Class<?> c : VERBS) cl.addSubcommand(c);
        for (VerbPlugin p : plugins) cl.addSubcommand(p.name(), p.command(main::resolveHome));
        return cl;
    }

    /** Runs one command in-process (tests use this) and returns its exit code. */
    public static int run(PrintStream out, PrintStream err, String... args) {
        return run(Invocation.local(out), out, err, args);
    }

    /**
     * Runs one command for {@code invocation} and returns its exit code. Reentrant: every piece of state of a call is
     * in its own Main and streams, so the daemon runs forwarded calls side by side (ForwardedCli).
     */
    static int run(Invocation invocation, PrintStream out, PrintStream err, String... args) {
        return CallZone.with(invocation.zone(), () -> runInZone(invocation, out, err, args));
    }

    private static int runInZone(Invocation invocation, PrintStream out, PrintStream err, String... args) {
        Main main = new Main();
        main.out = out;
        main.err = err;
        main.invocation = invocation;
        CommandLine cl = commandLine(main, args);
        HelpText.apply(cl);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        // Help is coloured by the same rule as output; --no-color is looked for before parsing, since help may be
        // what the parse produces.
        boolean plain = Arrays.asList(args).contains("--no-color");
        cl.setColorScheme(CommandLine.Help.defaultColorScheme(
                Style.decide(plain, invocation.stdoutIsTerminal(), invocation.env()).on() ? CommandLine.Help.Ansi.ON : CommandLine.Help.Ansi.OFF));
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
