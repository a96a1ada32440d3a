package dev.meshwire.peer.daemon;

import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.home.MeshwireHome;
import dev.meshwire.peer.ipc.IpcClient;
import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the running daemon for a home, or starts one detached: the same java binary and class path
 * running {@code up --foreground}, logging to {@code daemon/daemon.log} (rotated), its raw output appended to
 * {@code daemon/daemon.out}, with only the documented environment variables.
 *
 * <p>Concurrent starts (two verbs at once, in one process or in several) wait for the one daemon
 * that wins: a start takes {@code daemon/start.lock} (an OS file lock, plus a per-home lock inside
 * this JVM), looks again, and only then spawns; a start that finds a daemon already booting (its
 * pid file names a live process) waits for its IPC instead of spawning a second one. The spawned
 * pid is kept in {@code daemon/starting} until the daemon answers, so {@code down} can stop a
 * daemon whose start timed out.
 *
 * <p>The wait is {@link #DEFAULT_START_WAIT} unless {@code daemon.start-timeout} ({@code MESHWIRE_START_TIMEOUT}, or
 * {@code up --timeout}) says otherwise; progress lines go to the given consumer.
 */
public final class DaemonLauncher {
    public static final Duration DEFAULT_START_WAIT = Duration.ofSeconds(60);
    public static final String START_TIMEOUT_ENV = "MESHWIRE_START_TIMEOUT";
    private static final long PROGRESS_EVERY_MS = 5_000;
    private static final ConcurrentHashMap<Path, ReentrantLock> IN_JVM = new ConcurrentHashMap<>();
    private static final Pattern WAIT = Pattern.compile("^(\\d+)(ms|s|m)?$");

    private DaemonLauncher() {}

    /** The client of a daemon that answers, or null. */
    public static IpcClient running(MeshwireHome home) {
        IpcClient c = IpcClient.forHome(home);
        return c != null && c.alive() ? c : null;
    }

    /** Returns a client for the running daemon, starting one first if needed (default wait, no progress). */
    public static IpcClient ensureRunning(MeshwireHome home) {
        return ensureRunning(home, dev.meshwire.peer.config.DaemonConfig.load(home).startTimeout(), null);
    }

    /**
     * Returns a client for the running daemon, starting one if needed and waiting at most {@code wait}
     * for it; {@code progress} (may be null) hears "starting daemon…", a line every 5 s, and "daemon started in 2.3 s" once
     * the daemon this call spawned answers.
     */
    public static IpcClient ensureRunning(MeshwireHome home, Duration wait, Consumer<String> progress) {
        IpcClient c = running(home);
        return c != null ? c : start(home, wait, List.of(), progress).client();
    }

    /** What {@link #start} found or did. */
    public record Started(IpcClient client, boolean spawnedHere) {}

    /** The configured start wait: {@code 60}, {@code 60s}, {@code 1500ms} or {@code 2m}; null or blank → 60 s. */
    public static Duration startWait(String text) {
        if (text == null || text.isBlank()) return DEFAULT_START_WAIT;
        Matcher m = WAIT.matcher(text.trim());
        if (!m.matches()) {
            throw new PeerException(PeerException.BAD_REQUEST, "start timeout must look like 60s, 1500ms or 2m (got '" + text + "')");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        Duration d = switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofSeconds(n);
        };
        if (d.isZero()) throw new PeerException(PeerException.BAD_REQUEST, "start timeout must be more than 0");
        return d;
    }

    /**
     * Starts the daemon of {@code home} unless one is running or booting, and waits for its IPC.
     * Concurrent callers end up with the same daemon.
     *
     * @throws PeerException DAEMON_UNAVAILABLE if it exits during start or does not answer in time
     */
    public static Started start(MeshwireHome home, Duration wait, Consumer<String> progress) {
        return start(home, wait, List.of(), progress);
    }

    /**
     * As {@link #start(MeshwireHome, Duration, Consumer)}, passing {@code settings} ({@code KEY=VALUE}, already checked)
     * to the spawned daemon as {@code --set} flags.
     */
    public static Started start(MeshwireHome home, Duration wait, List<String> settings, Consumer<String> progress) {
        home.ensureLayout();
        long startedAt = System.currentTimeMillis();
        long deadline = startedAt + wait.toMillis();
        Progress p = new Progress(progress, startedAt);
        ReentrantLock jvmLock = IN_JVM.computeIfAbsent(home.root(), k -> new ReentrantLock());
        try {
            if (!jvmLock.tryLock(Math.max(0, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS)) {
                throw timeout(home, wait, daemonPid(home).orElse(-1L));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PeerException(PeerException.DAEMON_UNAVAILABLE, "interrupted while waiting for the daemon to start");
        }
        try (FileChannel ch = openStartLock(home); FileLock ignored = lockUntil(ch, deadline, home, wait, p)) {
            IpcClient c = running(home);
            if (c != null) return new Started(c, false);
            Process child = null;
            if (daemonPid(home).isEmpty()) {
                p.say("starting daemon…");
                child = spawn(home, settings);
                MeshwireHome.writePrivate(home.startingFile(), Long.toString(child.pid()));
            } else {
                p.say("waiting for the daemon that is starting (pid " + daemonPid(home).get() + ")…");
            }
            while (System.currentTimeMillis() < deadline) {
                c = running(home);
                if (c != null) {
                    if (child != null) {
                        deleteQuietly(home.startingFile());
                        p.say(String.format(java.util.Locale.ROOT, "daemon started in %.1f s",
                                (System.currentTimeMillis() - startedAt) / 1000.0));
                    }
                    return new Started(c, child != null);
                }
                if (child != null && !child.isAlive() && daemonPid(home).isEmpty()) {
                    deleteQuietly(home.startingFile());
                    throw new PeerException(PeerException.DAEMON_UNAVAILABLE, "the daemon exited during start (code "
                            + child.exitValue() + ")" + lastLine(home.outFile()) + "; see " + home.outFile() + " and " + home.logFile());
                }
                if (child == null && daemonPid(home).isEmpty()) {
                    // the daemon we waited for is gone: start one ourselves
                    p.say("starting daemon…");
                    child = spawn(home, settings);
                    MeshwireHome.writePrivate(home.startingFile(), Long.toString(child.pid()));
                }
                p.tick();
                sleep(100); // polling a condition with a deadline, not a fixed wait
            }
            long pid = child != null ? child.pid() : daemonPid(home).orElse(-1L);
            throw timeout(home, wait, pid);
        } catch (IOException e) {
            throw new PeerException(PeerException.DAEMON_UNAVAILABLE, "cannot start the daemon: " + e.getMessage());
        } finally {
            jvmLock.unlock();
        }
    }

    private static PeerException timeout(MeshwireHome home, Duration wait, long pid) {
        return new PeerException(PeerException.DAEMON_UNAVAILABLE, "the daemon did not answer within " + human(wait)
                + (pid > 0 ? "; it may still be starting (pid " + pid + "): 'meshwire down' stops it" : "")
                + "; see " + home.logFile() + " (wait longer with " + START_TIMEOUT_ENV + " or 'up --timeout')");
    }

    private static String human(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private static FileChannel openStartLock(MeshwireHome home) throws IOException {
        MeshwireHome.touchPrivate(home.startLockFile());
        return FileChannel.open(home.startLockFile(), StandardOpenOption.WRITE);
    }

    private static FileLock lockUntil(FileChannel ch, long deadline, MeshwireHome home, Duration wait, Progress p) throws IOException {
        boolean said = false;
        while (true) {
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null; // cannot happen behind the per-home JVM lock; treated as "held"
            }
            if (l != null) return l;
            if (!said) {
                p.say("another meshwire command is starting the daemon; waiting for it…");
                said = true;
            }
            if (System.currentTimeMillis() >= deadline) throw timeout(home, wait, daemonPid(home).orElse(-1L));
            p.tick();
            sleep(50);
        }
    }

    /**
     * Spawns {@code up --foreground --log-file daemon/daemon.log} with the same java binary and class path. The
     * daemon's own log rotates (log.max-size, log.keep); its raw stdout and stderr — the start line, a fatal error
     * before logging starts, a JVM crash — go to {@code daemon/daemon.out}. Its environment is
     * {@link dev.meshwire.peer.config.DaemonEnvironment}: only the documented variables, not this command's.
     */
    private static Process spawn(MeshwireHome home, List<String> settings) {
        MeshwireHome.touchPrivate(home.logFile());
        MeshwireHome.touchPrivate(home.outFile());
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        // No JVM flags are passed on: the verb's JVM may run with the CLI's start-up flags (C1 only, serial GC, the
        // CLI's CDS archive: see the ./meshwire launcher), and the daemon is long-running, so it gets the JVM's defaults.
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                "dev.meshwire.cli.Main", "--home", home.root().toString(), "up", "--foreground", "--log-file", home.logFile().toString()));
        for (String s : settings) {
            cmd.add("--set");
            cmd.add(s);
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(home.outFile().toFile()))
                .redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        Map<String, String> keep = dev.meshwire.peer.config.DaemonEnvironment.of(env);
        env.clear();
        env.putAll(keep);
        try {
            return pb.start();
        } catch (IOException e) {
            throw new PeerException(PeerException.DAEMON_UNAVAILABLE, "cannot start the daemon: " + e.getMessage());
        }
    }

    /** ": LAST LINE" of a short file, or "" (the reason a daemon gave before exiting). */
    private static String lastLine(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            for (int i = lines.size() - 1; i >= 0; i--) {
                String l = lines.get(i).strip();
                if (!l.isEmpty()) return ": " + (l.length() > 300 ? l.substring(0, 300) + "…" : l);
            }
        } catch (IOException | RuntimeException ignored) {
            // only a hint
        }
        return "";
    }

    /**
     * The pid of a live daemon process that holds this home's lock: the pid file, if its process lives
     * and runs {@code up --foreground} (a stale file whose pid was reused by something else is ignored).
     */
    public static Optional<Long> daemonPid(MeshwireHome home) {
        return livePid(home.pidFile()).filter(pid -> ProcessHandle.of(pid)
                .filter(h -> h.pid() == ProcessHandle.current().pid() || looksLikeDaemon(h)).isPresent());
    }

    /**
     * Every live process that is, or is becoming, this home's daemon: the pid file's and the one a
     * start spawned ({@code daemon/starting}) if it still runs {@code up --foreground}.
     */
    public static List<ProcessHandle> daemonProcesses(MeshwireHome home) {
        List<ProcessHandle> out = new ArrayList<>();
        for (Path f : List.of(home.pidFile(), home.startingFile())) {
            livePid(f).flatMap(ProcessHandle::of).filter(DaemonLauncher::looksLikeDaemon)
                    .filter(h -> h.pid() != ProcessHandle.current().pid())
                    .filter(h -> out.stream().noneMatch(o -> o.pid() == h.pid())).ifPresent(out::add);
        }
        return out;
    }

    private static boolean looksLikeDaemon(ProcessHandle h) {
        Optional<String[]> args = h.info().arguments();
        if (args.isEmpty()) return true; // not visible here: trust the file we wrote
        List<String> a = List.of(args.get());
        return a.contains("up") && a.contains("--foreground");
    }

    private static Optional<Long> livePid(Path file) {
        String s = MeshwireHome.readTrimmed(file);
        if (s == null || s.isEmpty()) return Optional.empty();
        try {
            long pid = Long.parseLong(s);
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(h -> pid);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static void deleteQuietly(Path f) {
        try {
            Files.deleteIfExists(f);
        } catch (IOException ignored) {
            // only a hint for 'down'
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PeerException(PeerException.DAEMON_UNAVAILABLE, "interrupted while waiting for the daemon to start");
        }
    }

    /** "starting daemon…" once, then "still starting (N s)…" every 5 s. */
    private static final class Progress {
        private final Consumer<String> sink;
        private final long startedAt;
        private long lastAt;

        Progress(Consumer<String> sink, long startedAt) {
            this.sink = sink;
            this.startedAt = startedAt;
            this.lastAt = startedAt;
        }

        void say(String line) {
            if (sink != null) sink.accept(line);
            lastAt = System.currentTimeMillis();
        }

        void tick() {
            long now = System.currentTimeMillis();
            if (now - lastAt >= PROGRESS_EVERY_MS) say("still starting the daemon (" + (now - startedAt) / 1000 + " s)…");
        }
    }
}
