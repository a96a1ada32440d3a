package dev.meshwire.cli;

import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.config.DaemonConfig;
import dev.meshwire.peer.daemon.DaemonLauncher;
import dev.meshwire.peer.home.MeshStore;
import dev.meshwire.peer.home.MeshwireHome;
import dev.meshwire.peer.ipc.IpcClient;
import dev.meshwire.cli.term.Style;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** What every verb shares: the home, the output stream, and a daemon client (started on demand). */
abstract class Verb implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    Main main() {
        CommandSpec s = spec;
        while (s.parent() != null) s = s.parent();
        return (Main) s.userObject();
    }

    MeshwireHome home() {
        return main().resolveHome();
    }

    PrintStream out() { return main().out; }

    /** Colour for this call's stdout (see {@link Main#style()}). */
    Style style() { return main().style(); }

    /** The running daemon of this home, started (detached) if it is not running. */
    IpcClient daemon() {
        MeshwireHome home = home();
        return DaemonLauncher.ensureRunning(home, DaemonConfig.resolve(java.util.Map.of(), main().invocation().env(), dev.meshwire.peer.config.ConfigFile.read(home)).startTimeout(), line -> main().err.println("meshwire: " + line));
    }

    /**
     * Runs one daemon call, starting the daemon first if needed; a daemon started for this call is stopped
     * again when the call fails (see {@link OnDemandDaemon}).
     */
    <T> T withDaemonStoppedOnFailure(java.util.function.Function<IpcClient, T> call) {
        return OnDemandDaemon.call(home(), DaemonLauncher.startWait(main().invocation().env().get(DaemonLauncher.START_TIMEOUT_ENV)),
                line -> main().err.println("meshwire: " + line), call);
    }

    /**
     * For verbs that act in a mesh: fails fast with no_meshes when none is joined (without starting
     * a daemon just to say so), else the daemon as {@link #daemon()}.
     */
    IpcClient daemonWithMeshes() {
        if (!new MeshStore(home()).any()) {
            throw new PeerException(PeerException.NO_MESHES,
                    "no meshes joined yet; run 'meshwire mesh create' or 'meshwire join <invite>' first");
        }
        return daemon();
    }

    /** Prints {@code value} (a record of dev.meshwire.peer.ipc.api) as the stable, pretty-printed JSON. */
    void printJson(Object value) {
        out().println(Render.json(value));
    }
}
