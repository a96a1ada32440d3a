package dev.meshwire.cli;

import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.daemon.DaemonLauncher;
import dev.meshwire.peer.home.MeshwireHome;
import dev.meshwire.peer.ipc.IpcClient;
import java.nio.file.Files;
import java.util.List;
import picocli.CommandLine.Command;

/**
 * {@code meshwire down}: asks the daemon to shut down and waits (15 s) until its process is gone. A
 * daemon that does not answer IPC yet (still booting, e.g. after a start that timed out) is found by
 * its pid file or by the pid its start recorded, and stopped with SIGTERM (SIGKILL after 15 s).
 */
@Command(name = "down", description = "Stop the daemon (also one that is still starting).")
final class DownCommand extends Verb {
    private static final long STOP_WAIT_MS = 15_000;

    @Override
    public Integer call() throws Exception {
        MeshwireHome home = home();
        IpcClient c = DaemonLauncher.running(home);
        if (c == null) return stopUnanswering(home);
        long pid = c.health().pid();
        c.shutdown();
        long deadline = System.currentTimeMillis() + STOP_WAIT_MS;
        while (System.currentTimeMillis() < deadline) {
            // A daemon in this very JVM (tests, demo) cannot be watched by pid: ask IPC instead.
            boolean alive = pid == ProcessHandle.current().pid() ? c.alive()
                    : ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
            if (!alive) {
                // a start may have spawned a second process that lost the lock and is exiting: nothing to do
                Files.deleteIfExists(home.startingFile());
                out().println("meshwire daemon stopped (pid " + pid + ")");
                return ExitCodes.OK;
            }
            Thread.sleep(100); // polling a condition with a deadline
        }
        throw new PeerException(PeerException.DAEMON_UNAVAILABLE, "daemon (pid " + pid + ") did not stop within 15 s");
    }

    private int stopUnanswering(MeshwireHome home) throws Exception {
        List<ProcessHandle> procs = DaemonLauncher.daemonProcesses(home);
        if (procs.isEmpty()) {
            Files.deleteIfExists(home.startingFile());
            out().println("meshwire daemon is not running");
            return ExitCodes.OK;
        }
        for (ProcessHandle h : procs) h.destroy(); // SIGTERM: a booted daemon closes cleanly, a booting one just exits
        long deadline = System.currentTimeMillis() + STOP_WAIT_MS;
        while (System.currentTimeMillis() < deadline && procs.stream().anyMatch(ProcessHandle::isAlive)) {
            Thread.sleep(100); // polling a condition with a deadline
        }
        for (ProcessHandle h : procs) {
            if (h.isAlive()) h.destroyForcibly();
        }
        Files.deleteIfExists(home.startingFile());
        String pids = String.join(", ", procs.stream().map(h -> Long.toString(h.pid())).toList());
        out().println("meshwire daemon stopped while starting (pid " + pids + ")");
        return ExitCodes.OK;
    }
}
