package dev.meshwire.cli;

import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.daemon.DaemonLauncher;
import dev.meshwire.peer.home.MeshwireHome;
import dev.meshwire.peer.ipc.IpcClient;
import picocli.CommandLine.Command;

/** {@code meshwire down}: asks the daemon to shut down and waits (15 s) until its process is gone. */
@Command(name = "down", description = "Stop the daemon.")
final class DownCommand extends Verb {
    private static final long STOP_WAIT_MS = 15_000;

    @Override
    public Integer call() throws Exception {
        MeshwireHome home = home();
        IpcClient c = DaemonLauncher.running(home);
        if (c == null) {
            out().println("meshwire daemon is not running");
            return ExitCodes.OK;
        }
        long pid = c.status().path("daemon").path("pid").asLong();
        c.shutdown();
        long deadline = System.currentTimeMillis() + STOP_WAIT_MS;
        while (System.currentTimeMillis() < deadline) {
            // A daemon in this very JVM (tests, demo) cannot be watched by pid: ask IPC instead.
            boolean alive = pid == ProcessHandle.current().pid() ? c.alive()
                    : ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
            if (!alive) {
                out().println("meshwire daemon stopped (pid " + pid + ")");
                return ExitCodes.OK;
            }
            Thread.sleep(100); // polling a condition with a deadline
        }
        throw new PeerException(PeerException.DAEMON_UNAVAILABLE, "daemon (pid " + pid + ") did not stop within 15 s");
    }
}
