package dev.meshwire.cli;

import dev.meshwire.peer.daemon.Daemon;
import dev.meshwire.peer.daemon.DaemonLauncher;
import dev.meshwire.peer.daemon.DaemonOptions;
import dev.meshwire.peer.home.MeshwireHome;
import dev.meshwire.peer.ipc.IpcClient;
import dev.meshwire.peer.config.ConfigFile;
import dev.meshwire.peer.config.DaemonConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code meshwire up}: detaches a daemon process, or with {@code --foreground} is the daemon. */
@Command(name = "up", description = "Start the daemon (detached unless --foreground).")
final class UpCommand extends Verb {
    @Option(names = "--foreground", description = "run in this process until stopped") boolean foreground;
    @Option(names = "--timeout", paramLabel = "DURATION",
            description = "how long to wait for the daemon to answer, e.g. 60s, 1500ms, 2m (default: daemon.start-timeout, 60s)")
    String timeout;
    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "a daemon setting for this start only, over the environment and config.json (repeatable; keys: meshwire config list)")
    List<String> settings = new ArrayList<>();
    @Option(names = "--log-file", paramLabel = "FILE",
            description = "with --foreground: log to FILE, rotated per log.max-size and log.keep, instead of stderr "
                    + "(a daemon started in the background logs to daemon/daemon.log)")
    Path logFile;

    @Override
    public Integer call() throws Exception {
        MeshwireHome home = home();
        DaemonConfig config = DaemonConfig.resolve(DaemonConfig.parseFlags(settings), System.getenv(), ConfigFile.read(home));
        if (foreground) {
            // The daemon logs at its configured level; every other verb stays quiet (LogSetup).
            if (logFile != null) LogSetup.toFile(config.logLevel(), logFile.toAbsolutePath(), config.logMaxSizeBytes(), config.logKeep());
            else LogSetup.toStderr(config.logLevel());
            // POST /v1/cli runs forwarded command lines (QuickClient) through this same CLI, in this JVM.
            Daemon d = Daemon.start(config.applyTo(DaemonOptions.of(home.root())).withTestHooks(System.getenv()),
                    new ForwardedCli(home, System.getenv()));
            // SIGTERM (systemctl stop, kill): close everything, then end the process the way Main.main does
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                d.close();
                ProcessExit.fromShutdownHook(0);
            }, "meshwire-stop"));
            out().println("meshwire daemon running: pid " + ProcessHandle.current().pid() + ", ipc 127.0.0.1:"
                    + d.ipcPort() + ", home " + home.root());
            d.awaitStop();
            // After every engine closed: dispose the one WebRTC factory (Main then ends the process: ProcessExit).
            dev.meshwire.peer.p2p.NativeWebRtc.get().shutdown();
            return ExitCodes.OK;
        }
        Duration wait = timeout != null ? DaemonLauncher.startWait(timeout) : config.startTimeout();
        IpcClient c = DaemonLauncher.running(home);
        if (c != null) {
            out().println("meshwire daemon already running (" + c.baseUrl() + ", home " + home.root() + ")");
            if (!settings.isEmpty()) main().err.println("meshwire: note: --set applies when the daemon starts; it keeps its settings (meshwire down first)");
            return ExitCodes.OK;
        }
        // Concurrent starts (another 'up', a verb that starts the daemon) wait for the one that wins.
        DaemonLauncher.Started s = DaemonLauncher.start(home, wait, settings, line -> main().err.println("meshwire: " + line));
        c = s.client();
        long pid = c.health().pid();
        if (!s.spawnedHere()) {
            out().println("meshwire daemon already running (pid " + pid + ", " + c.baseUrl()
                    + ", home " + home.root() + ")");
            return ExitCodes.OK;
        }
        out().println("meshwire daemon started: pid " + pid + ", ipc " + c.baseUrl()
                + ", log " + home.logFile());
        return ExitCodes.OK;
    }
}
