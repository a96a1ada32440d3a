package dev.meshwire.cli;

import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.daemon.Daemon;
import dev.meshwire.peer.ipc.IpcException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
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
                ReconnectCommand.class, ConfigCommand.class, InstallServiceCommand.Install.class, InstallServiceCommand.Uninstall.class, DoctorCommand.class, CoordinatorCommand.class, TurnCommand.class, DemoCommand.class, NatTestCommand.class})
public final class Main implements Runnable {
    @Option(names = "--home", paramLabel = "DIR", scope = CommandLine.ScopeType.INHERIT,
            description = "meshwire state directory (default: $MESHWIRE_HOME, else ~/.meshwire)")
    Path home;

    PrintStream out = System.out;
    PrintStream err = System.err;

    @Spec
    CommandSpec spec;

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

    /**
     * Gives every verb a {@code -h/--help} (usage errors point users at it), without repeating
     * {@code mixinStandardHelpOptions} on each command class.
     */
    private static void addHelpOption(CommandLine cl) {
        CommandSpec spec = cl.getCommandSpec();
        if (spec.findOption("--help") == null) {
            spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).description("Show this help and exit.").build());
        }
        cl.getSubcommands().values().forEach(Main::addHelpOption);
    }

    /** Runs one command in-process (tests use this) and returns its exit code. */
    public static int run(PrintStream out, PrintStream err, String... args) {
        Main main = new Main();
        main.out = out;
        main.err = err;
        CommandLine cl = new CommandLine(main);
        addHelpOption(cl);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setParameterExceptionHandler((ex, a) -> {
            String cmd = ex.getCommandLine().getCommandSpec().qualifiedName();
            err.println("meshwire: " + ex.getMessage() + " (see '" + cmd + " --help')");
            return ExitCodes.USAGE;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            if (ex instanceof PeerException pe) {
                err.println("meshwire: " + pe.getMessage());
                return ExitCodes.of(pe.code());
            }
            if (ex instanceof IpcException ie) {
                err.println("meshwire: " + ie.getMessage());
                return ExitCodes.of(ie.code());
            }
            err.println("meshwire: unexpected error: " + ex);
            return ExitCodes.FAILED;
        });
        return cl.execute(args);
    }
}
