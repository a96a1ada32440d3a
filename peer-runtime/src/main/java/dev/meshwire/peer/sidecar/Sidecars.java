package dev.meshwire.peer.sidecar;

import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.home.MeshwireHome;
import dev.meshwire.peer.ipc.SidecarsApi;
import dev.meshwire.peer.ipc.api.ErrorFields;
import dev.meshwire.peer.ipc.api.OkReply;
import dev.meshwire.peer.ipc.api.SidecarItem;
import dev.meshwire.peer.ipc.api.SidecarReport;
import dev.meshwire.peer.ipc.api.SidecarStartRequest;
import dev.meshwire.peer.ipc.api.SidecarsReply;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The side-cars of one daemon (docs/livekit.md "Managed bridges"): the managed bridges it runs ({@link ManagedSidecar},
 * remembered in {@link SidecarStore}) and the last report of every side-car that reports to it, managed or not.
 * {@link #startStored()} brings the stored bridges back at daemon start; {@link #close()} stops the processes but
 * keeps them stored.
 */
public final class Sidecars implements SidecarsApi, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Sidecars.class);
    /**
     * The environment variable that names the supervising daemon's pid to a managed side-car: it stops when that
     * process is gone (docs/livekit.md "Managed bridges").
     */
    public static final String DAEMON_PID_ENV = "MESHWIRE_SIDECAR_DAEMON_PID";
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    static final Pattern KIND = Pattern.compile("[a-z][a-z0-9-]{0,31}");
    static final int MAX_ARGS = 64;
    static final int MAX_ARG = 4096;
    static final int MAX_CLASS_PATH = 256 * 1024;
    /** A side-car not run by the daemon that has not reported for this long is {@code silent}. */
    static final long SILENT_MS = 15_000;
    /** ... and is forgotten after this long. */
    static final long FORGET_MS = 10 * 60_000;

    private final MeshwireHome home;
    private final SidecarStore store;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "meshwire-sidecars");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, ManagedSidecar> managed = new LinkedHashMap<>();
    private final Map<String, Received> reports = new ConcurrentHashMap<>();
    private boolean closed;

    private record Received(SidecarReport report, long atNanos) {}

    public Sidecars(MeshwireHome home) {
        this.home = home;
        this.store = new SidecarStore(home);
    }

    /** Starts every stored bridge (call once IPC answers: the side-cars talk to it). */
    public synchronized void startStored() {
        for (SidecarStartRequest spec : store.load()) {
            ManagedSidecar m = new ManagedSidecar(spec, home, timer);
            managed.put(spec.name(), m);
            m.start();
        }
        if (!managed.isEmpty()) log.info("side-cars: started the managed bridges {}", managed.keySet());
    }

    @Override
    public SidecarItem start(SidecarStartRequest req) {
        validate(req);
        ManagedSidecar m;
        synchronized (this) {
            if (closed) throw new PeerException(PeerException.DAEMON_UNAVAILABLE, "the daemon is stopping");
            if (managed.containsKey(req.name())) {
                throw new PeerException(PeerException.BAD_REQUEST, "a managed bridge named '" + req.name()
                        + "' exists already; stop it first (meshwire sidecar stop " + req.name() + ")", List.of(), ErrorFields.field("name"));
            }
            m = new ManagedSidecar(req, home, timer);
            managed.put(req.name(), m);
            store.save(specs());
            m.start();
        }
        return item(req.name());
    }

    @Override
    public SidecarItem stop(String name) {
        ManagedSidecar m;
        synchronized (this) {
            m = managed.remove(name);
            if (m == null) {
                throw new PeerException(PeerException.UNKNOWN_SERVICE, "no managed bridge named '" + name + "' (see: meshwire sidecar status)",
                        List.of(), ErrorFields.field("name"));
            }
            store.save(specs());
        }
        m.stop();
        reports.remove(name);
        var s = m.supervision();
        return new SidecarItem(name, m.spec.kind(), true, s.state(), 0, s.restarts(), s.lastExit(), s.lastError(), null, null, null);
    }

    @Override
    public SidecarsReply list() {
        List<String> names;
        synchronized (this) {
            names = new ArrayList<>(managed.keySet());
        }
        long now = System.nanoTime();
        reports.entrySet().removeIf(e -> !names.contains(e.getKey()) && ageMs(e.getValue(), now) > FORGET_MS);
        reports.keySet().stream().filter(n -> !names.contains(n)).sorted().forEach(names::add);
        List<SidecarItem> items = new ArrayList<>();
        for (String n : names) {
            SidecarItem i = item(n);
            if (i != null) items.add(i);
        }
        return new SidecarsReply(items);
    }

    @Override
    public OkReply report(SidecarReport r) {
        if (r.name() == null || !NAME.matcher(r.name()).matches()) {
            throw new PeerException(PeerException.BAD_REQUEST, "field 'name' must be a bridge name (letters, digits, . _ -; at most 64)",
                    List.of(), ErrorFields.field("name"));
        }
        reports.put(r.name(), new Received(r, System.nanoTime()));
        return new OkReply(true);
    }

    private SidecarItem item(String name) {
        ManagedSidecar m;
        synchronized (this) {
            m = managed.get(name);
        }
        Received got = reports.get(name);
        long now = System.nanoTime();
        Long age = got == null ? null : ageMs(got, now);
        SidecarReport report = got == null ? null : got.report();
        if (m != null) {
            var s = m.supervision();
            // a report from an earlier run of a managed bridge is no longer about it
            if (report != null && report.pid() != s.pid()) report = null;
            String err = s.lastError().isEmpty() && report != null ? report.lastError() : s.lastError();
            return new SidecarItem(name, m.spec.kind(), true, s.state(), s.pid(), s.restarts(), s.lastExit(), err, s.restartInMs(),
                    report == null ? null : age, report);
        }
        if (report == null) return null;
        return new SidecarItem(name, report.kind(), false, age > SILENT_MS ? "silent" : "reporting", report.pid(), 0, null,
                report.lastError(), null, age, report);
    }

    private static long ageMs(Received r, long now) {
        return TimeUnit.NANOSECONDS.toMillis(now - r.atNanos());
    }

    private List<SidecarStartRequest> specs() {
        return managed.values().stream().map(m -> m.spec).toList();
    }

    static void validate(SidecarStartRequest req) {
        if (req.name() == null || !NAME.matcher(req.name()).matches()) {
            throw bad("name", "must be a bridge name (letters, digits, . _ -; at most 64)");
        }
        if (req.kind() == null || !KIND.matcher(req.kind()).matches()) throw bad("kind", "must be a side-car verb such as livekit");
        List<String> args = req.args() == null ? List.of() : req.args();
        if (args.size() > MAX_ARGS) throw bad("args", "has more than " + MAX_ARGS + " entries");
        for (String a : args) {
            if (a == null || a.length() > MAX_ARG) throw bad("args", "entries must be strings of at most " + MAX_ARG + " characters");
            if (a.equals("--home") || a.startsWith("--home=")) throw bad("args", "must not name --home: the bridge runs with the daemon's home");
        }
        if (req.classPath() == null || req.classPath().isBlank() || req.classPath().length() > MAX_CLASS_PATH) {
            throw bad("classPath", "is required (the class path holding the side-car)");
        }
    }

    private static PeerException bad(String field, String why) {
        return new PeerException(PeerException.BAD_REQUEST, "field '" + field + "' " + why, List.of(), ErrorFields.field(field));
    }

    /** Stops every running bridge (they stay stored and start again with the next daemon). */
    @Override
    public void close() {
        List<ManagedSidecar> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(managed.values());
        }
        all.parallelStream().forEach(ManagedSidecar::stop);
        timer.shutdownNow();
    }
}
