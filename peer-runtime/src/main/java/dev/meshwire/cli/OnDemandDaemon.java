package dev.meshwire.cli;

import dev.meshwire.peer.daemon.DaemonLauncher;
import dev.meshwire.peer.home.MeshwireHome;
import dev.meshwire.peer.ipc.IpcClient;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Runs one daemon call for a verb that may have to start the daemon first ({@code mesh create}, {@code join}),
 * and undoes that start when the call fails: a refused create (401), a used, expired or forged invite, an
 * unreachable coordinator must not leave behind a daemon nobody asked for. A daemon that was already running
 * (or that another command started at the same moment) is left alone.
 */
final class OnDemandDaemon {
    private OnDemandDaemon() {}

    /**
     * Calls {@code call} with the home's daemon, starting it if needed; if this call started it and
     * {@code call} throws, stops it again (best effort; the original failure is what is reported).
     */
    static <T> T call(MeshwireHome home, Duration wait, Consumer<String> progress, Function<IpcClient, T> call) {
        IpcClient running = DaemonLauncher.running(home);
        boolean startedHere = false;
        IpcClient c = running;
        if (c == null) {
            DaemonLauncher.Started s = DaemonLauncher.start(home, wait, progress);
            c = s.client();
            startedHere = s.spawnedHere();
        }
        try {
            return call.apply(c);
        } catch (RuntimeException failure) {
            if (startedHere) stopQuietly(c, progress);
            throw failure;
        }
    }

    private static void stopQuietly(IpcClient c, Consumer<String> progress) {
        try {
            long pid = DaemonStop.stop(c);
            if (progress != null) progress.accept("stopped the daemon this command had started (pid " + pid + ")");
        } catch (RuntimeException e) {
            if (progress != null) progress.accept("could not stop the daemon this command had started: " + e.getMessage()
                    + "; 'meshwire down' stops it");
        }
    }
}
