package dev.meshwire.peer.daemon;

import dev.meshwire.peer.ipc.IpcClient;
import dev.meshwire.peer.home.MeshwireHome;

/** A daemon started in this process by {@link Daemon#start}. Close it to stop it (idempotent). */
public interface RunningDaemon extends AutoCloseable {
    /** The loopback IPC port (127.0.0.1). */
    int ipcPort();

    /** The bearer token for IPC (also in {@code <home>/daemon/token}). */
    String token();

    MeshwireHome home();

    /** A client bound to this daemon's port and token. */
    IpcClient client();

    /** Blocks until the daemon has stopped (IPC shutdown or close). */
    void awaitStop() throws InterruptedException;

    @Override
    void close();
}
