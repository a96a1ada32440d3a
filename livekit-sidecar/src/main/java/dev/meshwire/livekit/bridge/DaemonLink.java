package dev.meshwire.livekit.bridge;

import dev.meshwire.peer.home.MeshwireHome;
import dev.meshwire.peer.ipc.IpcClient;
import dev.meshwire.peer.ipc.IpcException;

/**
 * The side-car's way to its daemon's IPC, surviving a daemon restart: a restarted daemon listens on a new port with a
 * new token ({@code daemon/port}, {@code daemon/token}), so after a call could not reach the daemon, or was refused
 * as unauthorized, the next call reads them again. A link for a fixed client (tests, embedders) never re-reads.
 */
public final class DaemonLink {
    private final MeshwireHome home;
    private volatile IpcClient client;

    private DaemonLink(MeshwireHome home, IpcClient client) {
        this.home = home;
        this.client = client;
    }

    /** The daemon of {@code home}, found again after each restart. */
    public static DaemonLink forHome(MeshwireHome home) {
        return new DaemonLink(home, IpcClient.forHome(home));
    }

    /** Always {@code client}. */
    public static DaemonLink fixed(IpcClient client) {
        return new DaemonLink(null, client);
    }

    /** The client to call now; throws {@code daemon_unavailable} when no daemon runs for the home. */
    public IpcClient client() {
        IpcClient c = client;
        if (c == null && home != null) c = client = IpcClient.forHome(home);
        if (c == null) throw new IpcException(0, "daemon_unavailable", "no daemon is running for " + home.root(), null);
        return c;
    }

    /** Told of a failed call: forgets the endpoint when the daemon was away or no longer knows our token. */
    void failed(IpcException e) {
        if (home != null && (e.status() == 0 || e.status() == 401)) client = null;
    }

    /** True when a failure is the daemon being away or restarting, not an answer about the request. */
    static boolean daemonAway(IpcException e) {
        return e.status() == 0 || e.status() == 401 || e.status() >= 500 && !"coordinator_refused".equals(e.code());
    }
}
