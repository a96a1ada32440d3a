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
 * than this daemon's, and a {@code TZ}/{@code LANG}/{@code LC_ALL}/{@code LC_CTYPE} other than the daemon's (times and
 * text are formatted with the JVM's zone and locale, fixed at its start).
 */
public final class ForwardedCli implements CliApi {
    /** Variables of the caller that the daemon's JVM must share, since they shape output through JVM-wide defaults. */
    static final List<String> SAME_AS_DAEMON = List.of("TZ", "LANG", "LC_ALL", "LC_CTYPE");

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

    @Override
    public CliReply run(CliRequest r) {
        if (!ForwardedVerbs.forwarded(r.args())) throw refuse("this command line is not forwarded; run it locally");
        for (String name : r.env().keySet()) {
            if (!carried(name)) throw refuse("environment variable '" + clip(name) + "' is not one the CLI reads");
        }
        for (String name : SAME_AS_DAEMON) {
            if (!Objects.equals(blankToNull(r.env().get(name)), blankToNull(daemonEnv.get(name)))) {
                throw refuse(name + " differs from the daemon's; run it locally");
            }
        }
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
            int code = Main.run(new Main.Invocation(cwd, r.env(), r.stdoutIsTerminal()), o, e, r.args().toArray(String[]::new));
            o.flush();
            e.flush();
            return new CliReply(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
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
