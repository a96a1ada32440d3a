package dev.meshwire.cli;

import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.home.MeshwireHome;
import dev.meshwire.peer.ipc.CliApi;
import dev.meshwire.peer.ipc.api.CliReply;
import dev.meshwire.peer.ipc.api.CliRequest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The daemon's side of {@code POST /v1/cli}: runs a forwarded command line through the same {@link Main} as a local
 * run, with the caller's environment, working directory and terminal ({@link Main.Invocation}) and with stdout and
 * stderr captured, and answers what it printed. Each call has its own Main and streams, so calls run side by side.
 *
 * <p>It refuses (BAD_REQUEST; the client then runs the command locally) what it cannot reproduce exactly: a command
 * line {@link ForwardedVerbs} does not forward, an environment variable the CLI does not read, a {@code --home} other
 * than this daemon's, and a {@code TZ} it cannot reproduce. Times are written in the caller's zone ({@link CallZone}):
 * its {@code $TZ} when it names a zone; none while the daemon has one is refused (the caller's zone would be the
 * machine's, which the daemon's JVM does not know). The locale variables do not travel: nothing the CLI prints
 * depends on them, and the text comes back as Unicode that the client encodes for its own stdout, as a local run would.
 */
public final class ForwardedCli implements CliApi {
    /** The caller's variable that shapes output through a JVM-wide default: the time zone (see {@link #zoneOf}). */
    static final List<String> SAME_AS_DAEMON = List.of("TZ");

    private final MeshwireHome home;
    private final Map<String, String> daemonEnv;

    ForwardedCli(MeshwireHome home, Map<String, String> daemonEnv) {
        this.home = home;
        this.daemonEnv = daemonEnv;
    }

    /** The runner of the daemon of {@code home}, with this process's environment as the daemon's (tests start daemons so). */
    public static ForwardedCli of(Path home) {
        return new ForwardedCli(MeshwireHome.at(home), System.getenv());
    }

    /** True for the names a request's {@code env} may carry (the ones the CLI reads). */
    static boolean carried(String name) {
        return name.startsWith("MESHWIRE_") || name.equals("NO_COLOR") || name.equals("TERM") || SAME_AS_DAEMON.contains(name);
    }

    /** Locale variables: still accepted (older clients and other implementations send them), and ignored. */
    static final List<String> IGNORED = List.of("LANG", "LC_ALL", "LC_CTYPE");

    @Override
    public CliReply run(CliRequest r) {
        if (!ForwardedVerbs.forwarded(r.args())) throw refuse("this command line is not forwarded; run it locally");
        for (String name : r.env().keySet()) {
            if (!carried(name) && !IGNORED.contains(name)) throw refuse("environment variable '" + clip(name) + "' is not one the CLI reads");
        }
        java.time.ZoneId zone = zoneOf(blankToNull(r.env().get("TZ")), blankToNull(daemonEnv.get("TZ")));
        Path cwd;
        try {
            cwd = Path.of(r.cwd());
        } catch (InvalidPathException e) {
            throw refuse("cwd is not a path");
        }
        if (!cwd.isAbsolute()) throw refuse("cwd must be absolute");
        String h = ForwardedVerbs.home(r.args());
        MeshwireHome named;
        try {
            named = MeshwireHome.resolve(h == null ? null : cwd.resolve(h), r.env());
        } catch (InvalidPathException e) {
            throw refuse("--home is not a path");
        }
        if (!named.root().equals(home.root())) throw refuse("the command line names another home than this daemon's");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        // UTF-8 here, whatever the daemon's default: the client prints the text through its own stdout encoding, as a
        // local run would.
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8); PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            int code = Main.run(new Main.Invocation(cwd, r.env(), r.stdoutIsTerminal(), zone), o, e, r.args().toArray(String[]::new));
            o.flush();
            e.flush();
            return new CliReply(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }
    }

    /**
     * The zone to write the caller's times in: null (the daemon JVM's own) when both have the same {@code $TZ} or
     * neither has one; the caller's {@code $TZ} as a zone id otherwise (a leading ':' is dropped, as the C library
     * does). Refused when the caller has none but the daemon has one, or when it is no zone id Java knows (a POSIX
     * rule such as {@code EST5EDT,M3.2.0,M11.1.0}): a local run reproduces those exactly.
     */
    static java.time.ZoneId zoneOf(String callerTz, String daemonTz) {
        if (Objects.equals(callerTz, daemonTz)) return null;
        if (callerTz == null) throw refuse("the daemon runs with TZ=" + clip(daemonTz) + " and the caller has no TZ; run it locally");
        try {
            return java.time.ZoneId.of(callerTz.startsWith(":") ? callerTz.substring(1) : callerTz);
        } catch (java.time.DateTimeException e) {
            throw refuse("TZ=" + clip(callerTz) + " is not a zone id the daemon can reproduce; run it locally");
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static String clip(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "…" : s;
    }

    private static PeerException refuse(String why) {
        return new PeerException(PeerException.BAD_REQUEST, why);
    }
}
