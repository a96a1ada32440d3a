package dev.meshwire.peer.sidecar;

import dev.meshwire.peer.home.MeshwireHome;
import dev.meshwire.peer.ipc.api.SidecarStartRequest;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One managed bridge: a side-car process the daemon starts, watches and starts again when it exits, waiting
 * {@link #FIRST_BACKOFF_MS} doubling to {@link #MAX_BACKOFF_MS} between starts (back to the first wait after a run of
 * {@link #STABLE_MS}). A run that ends with exit code 2 (a usage error: its command line is wrong and would fail again)
 * is not restarted. Output goes to {@code daemon/sidecar-<name>.log} (0600); the last line of a run that ended is its
 * {@code lastError}. The child is told the daemon's pid ({@link Sidecars#DAEMON_PID_ENV}) and stops when the daemon is gone,
 * so a daemon killed hard leaves no orphan to compete with the one its successor starts.
 */
final class ManagedSidecar {
    private static final Logger log = LoggerFactory.getLogger(ManagedSidecar.class);
    static final long FIRST_BACKOFF_MS = 1_000;
    static final long MAX_BACKOFF_MS = 60_000;
    static final long STABLE_MS = 60_000;
    static final long STOP_GRACE_MS = 10_000;
    static final int USAGE_EXIT = 2;

    final SidecarStartRequest spec;
    private final MeshwireHome home;
    private final ScheduledExecutorService timer;
    private Process process;
    private long startedAtNanos;
    private long backoffMs = FIRST_BACKOFF_MS;
    private int restarts;
    private Integer lastExit;
    private String lastError = "";
    private long restartAtNanos;
    private ScheduledFuture<?> pending;
    private boolean stopped;
    private boolean failed;

    ManagedSidecar(SidecarStartRequest spec, MeshwireHome home, ScheduledExecutorService timer) {
        this.spec = spec;
        this.home = home;
        this.timer = timer;
    }

    Path logFile() {
        return home.daemonDir().resolve("sidecar-" + spec.name() + ".log");
    }

    /** The command line: this JVM's java, the request's class path, the CLI with the daemon's home. */
    List<String> command() {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", spec.classPath(), "dev.meshwire.cli.Main", "--home", home.root().toString(), "sidecar", spec.kind()));
        cmd.addAll(spec.args());
        return cmd;
    }

    synchronized void start() {
        if (stopped) return;
        pending = null;
        try {
            MeshwireHome.touchPrivate(logFile());
            ProcessBuilder pb = new ProcessBuilder(command()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().remove("MESHWIRE_HOME");
            pb.environment().put(Sidecars.DAEMON_PID_ENV, Long.toString(ProcessHandle.current().pid()));
            Process p = pb.start();
            process = p;
            startedAtNanos = System.nanoTime();
            log.info("side-car {}: started ({} {}), pid {}", spec.name(), spec.kind(), String.join(" ", spec.args()), p.pid());
            p.onExit().thenAccept(this::exited);
        } catch (IOException e) {
            lastError = "cannot start: " + e.getMessage();
            log.warn("side-car {}: {}", spec.name(), lastError);
            scheduleRestart();
        }
    }

    private synchronized void exited(Process p) {
        if (p != process) return;
        process = null;
        lastExit = p.exitValue();
        String last = lastLine(logFile());
        if (!last.isEmpty()) lastError = last;
        if (stopped) return;
        long ranMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAtNanos);
        if (lastExit == USAGE_EXIT) {
            failed = true;
            log.warn("side-car {}: exited with a usage error (not restarted): {}", spec.name(), lastError);
            return;
        }
        if (ranMs >= STABLE_MS) backoffMs = FIRST_BACKOFF_MS;
        log.warn("side-car {}: exited with {} after {} ms; starting it again in {} ms ({})", spec.name(), lastExit, ranMs, backoffMs, lastError);
        scheduleRestart();
    }

    private void scheduleRestart() {
        restarts++;
        long wait = backoffMs;
        backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
        restartAtNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(wait);
        pending = timer.schedule(this::start, wait, TimeUnit.MILLISECONDS);
    }

    /** Stops the process (SIGTERM, then SIGKILL after {@link #STOP_GRACE_MS}) and never starts it again. */
    void stop() {
        Process p;
        synchronized (this) {
            stopped = true;
            if (pending != null) pending.cancel(false);
            p = process;
        }
        if (p == null) return;
        p.destroy();
        try {
            if (!p.waitFor(STOP_GRACE_MS, TimeUnit.MILLISECONDS)) {
                log.warn("side-car {}: did not stop within {} ms; killing it", spec.name(), STOP_GRACE_MS);
                p.destroyForcibly().waitFor(STOP_GRACE_MS, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** What {@code GET /v1/sidecars} shows of the supervision. */
    synchronized Supervision supervision() {
        Process p = process;
        String state = stopped ? "stopped" : p != null ? "running" : failed ? "failed" : "restarting";
        Long restartIn = p == null && pending != null ? Math.max(0, TimeUnit.NANOSECONDS.toMillis(restartAtNanos - System.nanoTime())) : null;
        return new Supervision(state, p == null ? 0 : p.pid(), restarts, lastExit, lastError, restartIn);
    }

    record Supervision(String state, long pid, int restarts, Integer lastExit, String lastError, Long restartInMs) {}

    /** The last non-blank line of {@code file} (its last 4 KiB), or "". */
    static String lastLine(Path file) {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long len = f.length();
            int n = (int) Math.min(4096, len);
            byte[] b = new byte[n];
            f.seek(len - n);
            f.readFully(b);
            String[] lines = new String(b, StandardCharsets.UTF_8).split("\n");
            for (int i = lines.length - 1; i >= 0; i--) {
                if (!lines[i].isBlank()) return lines[i].strip();
            }
            return "";
        } catch (IOException e) {
            return "";
        }
    }
}
