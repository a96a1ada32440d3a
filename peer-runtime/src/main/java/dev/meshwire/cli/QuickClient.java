package dev.meshwire.cli;

import dev.meshwire.cli.term.Style;
import dev.meshwire.peer.home.MeshwireHome;
import dev.meshwire.peer.ipc.CliCall;
import dev.meshwire.peer.ipc.DaemonEndpoint;
import dev.meshwire.peer.ipc.api.CliReply;
import dev.meshwire.peer.ipc.api.CliRequest;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code ./meshwire} launcher's entry point for one-shot verbs: forwards a command line that
 * {@link ForwardedVerbs} allows to the already-running daemon of the home ({@code POST /v1/cli}), which runs it through
 * the same CLI in its warm JVM, and prints the answer; anything else, and any failure to reach the daemon, runs
 * {@link Main} here, unchanged. Output and exit code are the same either way (docs/cli.md "Start-up").
 *
 * <p>Why: a cold JVM spends most of a short verb building picocli's model and binding JSON with jackson-databind
 * (docs/benchmarks.md "CLI start-up"); this class loads neither — only the home's files, a socket and jackson-core's
 * streaming reader and writer ({@link CliCall}). {@code MESHWIRE_NO_FORWARD=1} turns forwarding off.
 */
public final class QuickClient {
    /** Set (non-empty) to run every command line locally. */
    static final String NO_FORWARD_ENV = "MESHWIRE_NO_FORWARD";

    private QuickClient() {}

    public static void main(String[] args) {
        int code;
        try {
            Integer forwarded = forward(args);
            if (forwarded == null) {
                Main.main(args);
                return;
            }
            code = forwarded;
        } catch (CliCall.Lost e) {
            // The daemon had the command and never answered: it may have run (a send), so it is not run again here.
            System.err.println("meshwire: the daemon stopped answering while it ran this command (" + e.getMessage()
                    + "); it may or may not have taken effect (see 'meshwire status')");
            code = ExitCodes.NO_DAEMON;
        }
        System.exit(code);
    }

    /** The forwarded call's exit code after printing its output, or null when it was not forwarded (run it locally). */
    static Integer forward(String[] args) throws CliCall.Lost {
        Map<String, String> sysEnv = System.getenv();
        String off = sysEnv.get(NO_FORWARD_ENV);
        if (off != null && !off.isEmpty()) return null;
        List<String> list = Arrays.asList(args);
        if (!ForwardedVerbs.forwarded(list)) return null;
        Path cwd = Path.of("").toAbsolutePath();
        String h = ForwardedVerbs.home(list);
        MeshwireHome home;
        try {
            home = MeshwireHome.resolve(h == null ? null : cwd.resolve(h), sysEnv);
        } catch (RuntimeException e) { // a --home that is no path: the local run says so
            return null;
        }
        DaemonEndpoint at = DaemonEndpoint.read(home);
        if (at == null) return null;
        Map<String, String> env = new TreeMap<>();
        for (Map.Entry<String, String> e : sysEnv.entrySet()) {
            if (ForwardedCli.carried(e.getKey()) && !e.getKey().equals(NO_FORWARD_ENV)) env.put(e.getKey(), e.getValue());
        }
        CliReply r = CliCall.call(at.port(), at.token(), new CliRequest(list, env, cwd.toString(), Style.stdoutIsTerminal()));
        if (r == null) return null;
        // System.out and System.err encode as a local run's would (same JVM defaults), so the bytes are the same.
        System.out.print(r.stdout());
        System.out.flush();
        System.err.print(r.stderr());
        System.err.flush();
        return r.exit();
    }
}
