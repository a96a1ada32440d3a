package dev.meshwire.cli.doctor;

import dev.meshwire.peer.config.ConfigFile;
import dev.meshwire.peer.daemon.DaemonLauncher;
import dev.meshwire.peer.home.MeshConfig;
import dev.meshwire.peer.home.MeshStore;
import dev.meshwire.peer.home.MeshwireHome;
import dev.meshwire.peer.ipc.IpcClient;
import dev.meshwire.peer.ipc.api.DaemonStatus;
import dev.meshwire.peer.ipc.api.MeshInfo;
import dev.meshwire.peer.ipc.api.StatusReply;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The checks of {@code meshwire doctor}, in the order a person would debug: the runtime (Java, libpulse0), the
 * daemon, each joined mesh's coordinator (reachable, clock skew) and its STUN/TURN servers, then the modes of the
 * files that hold secrets. Reads only; never starts a daemon or changes a file.
 */
public final class Doctor {
    /** Skew up to this is within what the 1-second Date header can show. */
    static final long SKEW_OK_MS = 2_000;
    /** Above this, signed requests (mesh create allows 10 minutes) and expiry times start to misbehave. */
    static final long SKEW_FAIL_MS = 60_000;
    private static final List<String> LIB_DIRS = List.of("/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
            "/lib/aarch64-linux-gnu", "/usr/lib64", "/lib64", "/usr/lib", "/lib", "/usr/local/lib");

    private final MeshwireHome home;
    private final Path coordinatorData;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * @param home            the meshwire home to check
     * @param coordinatorData a coordinator's data directory whose secrets' modes to check too (null: none)
     */
    public Doctor(MeshwireHome home, Path coordinatorData) {
        this.home = home;
        this.coordinatorData = coordinatorData;
    }

    public List<Finding> run() {
        List<Finding> out = new ArrayList<>();
        out.add(java());
        out.add(libpulse());
        StatusReply status = daemon(out);
        List<MeshConfig> meshes;
        try {
            meshes = new MeshStore(home).list();
        } catch (RuntimeException e) {
            out.add(Finding.fail("meshes", "cannot read " + home.meshesDir(), "check the files under " + home.meshesDir()));
            meshes = List.of();
        }
        if (meshes.isEmpty()) out.add(Finding.warn("meshes", "no mesh joined in " + home.root(), "meshwire mesh create NAME --coordinator URL, or meshwire join INVITE"));
        for (MeshConfig m : meshes) {
            coordinator(m, out);
            stun(m, status, out);
        }
        fileModes(out);
        return out;
    }

    static Finding java() {
        Runtime.Version v = Runtime.version();
        String where = System.getProperty("java.home");
        if (v.feature() < 17) return Finding.fail("java", "Java " + v + " at " + where + "; meshwire needs 17 or newer", "install a Java 17+ runtime (apt-get install -y openjdk-17-jre-headless)");
        return Finding.ok("java", "Java " + v + " at " + where);
    }

    static Finding libpulse() {
        List<String> dirs = new ArrayList<>(LIB_DIRS);
        String ld = System.getenv("LD_LIBRARY_PATH");
        if (ld != null) dirs.addAll(0, List.of(ld.split(":")));
        for (String d : dirs) {
            if (!d.isBlank() && Files.exists(Path.of(d, "libpulse.so.0"))) return Finding.ok("libpulse0", "libpulse.so.0 in " + d + " (WebRTC direct channels can load)");
        }
        return Finding.warn("libpulse0", "libpulse.so.0 not found: direct peer-to-peer channels are off, messages go through the coordinator relay",
                "apt-get install -y --no-install-recommends libpulse0");
    }

    /** The daemon's state; returns its status (null when it does not answer). */
    private StatusReply daemon(List<Finding> out) {
        IpcClient c = DaemonLauncher.running(home);
        if (c == null) {
            var pid = DaemonLauncher.daemonPid(home);
            if (pid.isPresent()) {
                out.add(Finding.fail("daemon", "process " + pid.get() + " holds " + home.root() + " but its IPC port does not answer",
                        "see " + home.logFile() + "; 'meshwire down' then 'meshwire up'"));
            } else {
                out.add(Finding.warn("daemon", "not running for " + home.root() + " (verbs start it on demand)", "meshwire up"));
            }
            return null;
        }
        try {
            StatusReply st = c.status();
            DaemonStatus d = st.daemon();
            boolean webrtc = d.p2p() == null || d.p2p().available();
            out.add(Finding.ok("daemon", "pid " + d.pid() + ", IPC " + c.baseUrl() + " (127.0.0.1 only), version " + d.version()
                    + ", p2p " + (d.p2p() == null ? "-" : d.p2p().mode()) + (webrtc ? "" : " (WebRTC unavailable)")));
            return st;
        } catch (RuntimeException e) {
            out.add(Finding.fail("daemon", "answers /v1/health but not /v1/status", "see " + home.logFile()));
            return null;
        }
    }

    /** The coordinator's /health: reachable, and how far its clock is from ours. */
    private void coordinator(MeshConfig m, List<Finding> out) {
        String check = "coordinator " + m.name();
        URI health;
        try {
            URI ws = URI.create(m.coordinator());
            String scheme = "wss".equals(ws.getScheme()) ? "https" : "http";
            health = new URI(scheme, null, ws.getHost(), ws.getPort(), "/health", null, null);
        } catch (Exception e) {
            out.add(Finding.fail(check, "the mesh's coordinator URL '" + m.coordinator() + "' is not a ws:// or wss:// URL",
                    "leave and join the mesh again with a valid invite"));
            return;
        }
        long t0 = System.currentTimeMillis();
        HttpResponse<Void> r;
        try {
            r = http.send(HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            out.add(Finding.fail(check, "cannot reach " + health + " (" + e.getClass().getSimpleName() + ")",
                    "is the coordinator running, and is " + health.getHost() + ":" + port(health) + " open from here (firewall, DNS)?"));
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        long t1 = System.currentTimeMillis();
        if (r.statusCode() != 200) {
            out.add(Finding.fail(check, health + " answered HTTP " + r.statusCode(), "check the coordinator's log"));
            return;
        }
        out.add(Finding.ok(check, health.getHost() + ":" + port(health) + " answers in " + (t1 - t0) + " ms"));
        var date = r.headers().firstValue("Date");
        if (date.isEmpty()) {
            out.add(Finding.warn("clock " + m.name(), "the coordinator sent no Date header; clock skew not measured", "upgrade the coordinator"));
            return;
        }
        long server;
        try {
            server = ZonedDateTime.parse(date.get(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
        } catch (RuntimeException e) {
            out.add(Finding.warn("clock " + m.name(), "unreadable Date header '" + date.get() + "'", "upgrade the coordinator"));
            return;
        }
        // the header has whole seconds: compare with the middle of the request, allowing the second it was cut to
        long skew = (t0 + t1) / 2 - server;
        long beyond = skew >= 0 ? Math.max(0, skew - 1000) : -skew;
        String detail = "this clock is " + Math.abs(skew / 1000) + " s " + (skew >= 0 ? "ahead of" : "behind") + " the coordinator's";
        String fix = "synchronise the clock (timedatectl set-ntp true, or chrony/ntpd)";
        if (beyond <= SKEW_OK_MS) out.add(Finding.ok("clock " + m.name(), "within 2 s of the coordinator's"));
        else if (beyond <= SKEW_FAIL_MS) out.add(Finding.warn("clock " + m.name(), detail, fix));
        else out.add(Finding.fail("clock " + m.name(), detail + " (signed requests and expiry times go wrong)", fix));
    }

    /** A Binding request to each STUN/TURN server the coordinator advertised (from the daemon's status). */
    private void stun(MeshConfig m, StatusReply status, List<Finding> out) {
        String check = "stun/turn " + m.name();
        Set<String> urls = new LinkedHashSet<>();
        if (status != null) {
            for (MeshInfo mesh : status.meshes()) {
                if (m.name().equals(mesh.name()) && mesh.iceUrls() != null) urls.addAll(mesh.iceUrls());
            }
        }
        if (status == null) {
            out.add(Finding.warn(check, "not checked: the daemon is not running, and the servers come from the coordinator's hello_ack",
                    "meshwire up, then meshwire doctor"));
            return;
        }
        Set<String> targets = new LinkedHashSet<>();
        for (String u : urls) {
            // stun:host:port, turn:host:port?transport=udp; only UDP is probed (TCP/TLS TURN is a fallback)
            if (u.contains("transport=tcp") || u.startsWith("turns:")) continue;
            String rest = u.substring(u.indexOf(':') + 1);
            int q = rest.indexOf('?');
            if (q >= 0) rest = rest.substring(0, q);
            targets.add(rest);
        }
        if (targets.isEmpty()) {
            out.add(Finding.warn(check, "the coordinator advertised no STUN/TURN server over UDP" + (urls.isEmpty() ? " (or the link is not up yet)" : ""),
                    "direct channels need STUN to cross NAT; run the coordinator with its embedded STUN/TURN (without --no-stun) or --turn-url"));
            return;
        }
        for (String t : targets) {
            int colon = t.lastIndexOf(':');
            String host = colon > 0 ? t.substring(0, colon) : t;
            int port = colon > 0 ? Integer.parseInt(t.substring(colon + 1)) : 3478;
            if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
            StunProbe.Result r = StunProbe.probe(host, port, 3, 1000);
            if (r.answered()) {
                out.add(Finding.ok(check, host + ":" + port + " answers STUN in " + r.rttMs() + " ms; it sees this host as "
                        + r.mapped().getAddress().getHostAddress() + ":" + r.mapped().getPort()));
            } else {
                out.add(Finding.warn(check, r.error() + "; direct channels may not cross NAT (the relay still works)",
                        "allow UDP to " + host + ":" + port + " (and the relay port range of the TURN server)"));
            }
        }
    }

    /** Secrets must not be readable by anyone else: directories 0700, files 0600. */
    private void fileModes(List<Finding> out) {
        List<Path> dirs = new ArrayList<>(List.of(home.root(), home.daemonDir(), home.meshesDir()));
        List<Path> files = new ArrayList<>(List.of(home.tokenFile(), ConfigFile.pathOf(home)));
        if (Files.isDirectory(home.meshesDir())) {
            try (Stream<Path> s = Files.list(home.meshesDir())) {
                for (Path d : s.filter(Files::isDirectory).sorted().toList()) {
                    dirs.add(d);
                    files.add(d.resolve("identity.key"));
                    files.add(d.resolve("mesh.json"));
                }
            } catch (IOException e) {
                out.add(Finding.fail("file modes", "cannot list " + home.meshesDir(), "check its permissions"));
            }
        }
        for (Path db : List.of(home.inboxDb(), home.outboxDb(), home.meshStateDb())) files.add(db);
        if (coordinatorData != null) {
            dirs.add(coordinatorData);
            files.add(coordinatorData.resolve("admin-token"));
            files.add(coordinatorData.resolve("turn-secret"));
        }
        List<String> bad = new ArrayList<>();
        List<String> fixes = new ArrayList<>();
        int checked = 0;
        for (Path d : dirs) {
            if (!Files.isDirectory(d)) continue;
            checked++;
            if (openToOthers(d)) {
                bad.add(d + " is " + mode(d));
                fixes.add("chmod 700 " + d);
            }
        }
        for (Path f : files) {
            if (!Files.isRegularFile(f)) continue;
            checked++;
            if (openToOthers(f)) {
                bad.add(f + " is " + mode(f));
                fixes.add("chmod 600 " + f);
            }
        }
        if (bad.isEmpty()) out.add(Finding.ok("file modes", checked + " keys, tokens, databases and their directories are private (0600/0700)"));
        else out.add(Finding.fail("file modes", "readable by others: " + String.join(", ", bad), String.join("; ", fixes)));
    }

    private static boolean openToOthers(Path p) {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
            for (PosixFilePermission x : perms) {
                if (x.name().startsWith("GROUP") || x.name().startsWith("OTHERS")) return true;
            }
            return false;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static String mode(Path p) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
        } catch (IOException e) {
            return "?";
        }
    }

    private static int port(URI u) {
        return u.getPort() > 0 ? u.getPort() : ("https".equals(u.getScheme()) ? 443 : 80);
    }
}
