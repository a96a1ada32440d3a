package dev.meshwire.peer.ipc;

import dev.meshwire.peer.home.MeshwireHome;

/**
 * Where a home's running daemon listens and the token it wants: {@code daemon/port} and {@code daemon/token}, written
 * by the daemon once its IPC is ready. The one reader of those files, for {@link IpcClient} and for the CLI's thin
 * client (which must not load the rest of the IPC client).
 */
public record DaemonEndpoint(int port, String token) {
    /** Null if either file is missing, empty, or the port is not a number (no daemon, or one still starting). */
    public static DaemonEndpoint read(MeshwireHome home) {
        String port = MeshwireHome.readTrimmed(home.portFile());
        String token = MeshwireHome.readTrimmed(home.tokenFile());
        if (port == null || token == null || port.isEmpty() || token.isEmpty()) return null;
        try {
            return new DaemonEndpoint(Integer.parseInt(port), token);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
