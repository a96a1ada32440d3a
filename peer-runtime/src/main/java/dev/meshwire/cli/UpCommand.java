package dev.meshwire.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.peer.daemon.Daemon;
import dev.meshwire.peer.daemon.DaemonLauncher;
import dev.meshwire.peer.daemon.DaemonOptions;
import dev.meshwire.peer.home.MeshwireHome;
import dev.meshwire.peer.ipc.IpcClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code meshwire up}: detaches a daemon process, or with {@code --foreground} is the daemon. */
@Command(name = "up", description = "Start the daemon (detached unless --foreground).")
final class UpCommand extends Verb {
    @Option(names = "--foreground", description = "run in this process until stopped") boolean foreground;

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
        IpcClient c = DaemonLauncher.running(home);
        if (c != null) {
            out().println("meshwire daemon already running (" + c.baseUrl() + ", home " + home.root() + ")");
            return ExitCodes.OK;
        }
        c = DaemonLauncher.spawn(home);
        JsonNode st = c.status().path("daemon");
        out().println("meshwire daemon started: pid " + st.path("pid").asText() + ", ipc " + c.baseUrl()
                + ", log " + home.logFile());
        return ExitCodes.OK;
    }
}
