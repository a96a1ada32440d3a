package dev.meshwire.peer.daemon;

import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.home.MeshwireHome;
import dev.meshwire.peer.ipc.IpcClient;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the running daemon for a home, or starts one detached: the same java binary and class path
 * running {@code up --foreground}, output appended to {@code daemon/daemon.log}. Waits until IPC
 * answers (at most {@link #START_WAIT_MS}).
 */
public final class DaemonLauncher {
    public static final long START_WAIT_MS = 15_000;

    private DaemonLauncher() {}

    /** The client of a daemon that answers, or null. */
    public static IpcClient running(MeshwireHome home) {
        IpcClient c = IpcClient.forHome(home);
        return c != null && c.alive() ? c : null;
    }

    /** Returns a client for the running daemon, spawning one first if needed. */
    public static IpcClient ensureRunning(MeshwireHome home) {
        IpcClient c = running(home);
        return c != null ? c : spawn(home);
    }

    public static IpcClient spawn(MeshwireHome home) {
        home.ensureLayout();
        MeshwireHome.touchPrivate(home.logFile());
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                "dev.meshwire.cli.Main", "--home", home.root().toString(), "up", "--foreground"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(home.logFile().toFile()))
                .redirectErrorStream(true);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new PeerException(PeerException.DAEMON_UNAVAILABLE, "cannot start the daemon: " + e.getMessage());
        }
        long deadline = System.currentTimeMillis() + START_WAIT_MS;
        while (System.currentTimeMillis() < deadline) {
            IpcClient c = running(home);
            if (c != null) return c;
            if (!p.isAlive()) {
                throw new PeerException(PeerException.DAEMON_UNAVAILABLE, "the daemon exited during start (code "
                        + p.exitValue() + "); see " + home.logFile());
            }
            try {
                Thread.sleep(100); // polling a condition with a deadline, not a fixed wait
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new PeerException(PeerException.DAEMON_UNAVAILABLE, "the daemon did not answer within "
                + START_WAIT_MS / 1000 + " s; see " + home.logFile());
    }
}
