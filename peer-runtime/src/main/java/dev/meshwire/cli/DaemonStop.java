package dev.meshwire.cli;

import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.ipc.IpcClient;

/**
 * Stopping a daemon that answers IPC: {@code POST /v1/shutdown}, then waiting (at most 15 s) until its
 * process is gone. One owner for "stop and make sure", shared by {@code down} and by verbs that stop a
 * daemon they started for a call that failed ({@link OnDemandDaemon}).
 */
final class DaemonStop {
    static final long STOP_WAIT_MS = 15_000;

    private DaemonStop() {}

    /**
     * Asks the daemon behind {@code c} to stop and waits for its process to exit.
     *
     * @return the daemon's pid
     * @throws PeerException daemon_unavailable if it is still alive after 15 s
     */
    static long stop(IpcClient c) {
        long pid = c.health().pid();
        c.shutdown();
        long deadline = System.currentTimeMillis() + STOP_WAIT_MS;
        while (System.currentTimeMillis() < deadline) {
            // A daemon in this very JVM (tests, demo) cannot be watched by pid: ask IPC instead.
            boolean alive = pid == ProcessHandle.current().pid() ? c.alive()
                    : ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
            if (!alive) return pid;
            try {
                Thread.sleep(100); // polling a condition with a deadline
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new PeerException(PeerException.DAEMON_UNAVAILABLE, "daemon (pid " + pid + ") did not stop within 15 s");
    }
}
