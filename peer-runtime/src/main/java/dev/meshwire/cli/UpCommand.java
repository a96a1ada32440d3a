package dev.meshwire.cli;

import dev.meshwire.peer.daemon.Daemon;
import dev.meshwire.peer.daemon.DaemonLauncher;
import dev.meshwire.peer.daemon.DaemonOptions;
import dev.meshwire.peer.home.MeshwireHome;
import dev.meshwire.peer.ipc.IpcClient;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code meshwire up}: detaches a daemon process, or with {@code --foreground} is the daemon. */
@Command(name = "up", description = "Start the daemon (detached unless --foreground).")
final class UpCommand extends Verb {
    @Option(names = "--foreground", description = "run in this process until stopped") boolean foreground;
    @Option(names = "--timeout", paramLabel = "DURATION",
            description = "how long to wait for the daemon to answer, e.g. 60s, 1500ms, 2m (default: $MESHWIRE_START_TIMEOUT, else 60s)")
    String timeout;

    @Override
    public Integer call() throws Exception {
        MeshwireHome home = home();
        if (foreground) {
            Daemon d = Daemon.start(DaemonOptions.of(home.root()).withEnvironment(System.getenv()));
            Runtime.getRuntime().addShutdownHook(new Thread(d::close, "meshwire-stop"));
            out().println("meshwire daemon running: pid " + ProcessHandle.current().pid() + ", ipc 127.0.0.1:"
                    + d.ipcPort() + ", home " + home.root());
            d.awaitStop();
            // After every engine closed: dispose the one WebRTC factory (Main then exits the JVM).
            dev.meshwire.peer.p2p.NativeWebRtc.get().shutdown();
            return ExitCodes.OK;
        }
        Duration wait = DaemonLauncher.startWait(timeout != null ? timeout : System.getenv(DaemonLauncher.START_TIMEOUT_ENV));
        IpcClient c = DaemonLauncher.running(home);
        if (c != null) {
            out().println("meshwire daemon already running (" + c.baseUrl() + ", home " + home.root() + ")");
            return ExitCodes.OK;
        }
        // Concurrent starts (another 'up', a verb that starts the daemon) wait for the one that wins.
        DaemonLauncher.Started s = DaemonLauncher.start(home, wait, line -> main().err.println("meshwire: " + line));
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
