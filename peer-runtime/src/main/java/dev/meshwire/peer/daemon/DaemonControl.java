package dev.meshwire.peer.daemon;

import dev.meshwire.peer.ipc.ControlApi;
import dev.meshwire.peer.ipc.api.HealthReply;
import dev.meshwire.peer.ipc.api.StatusReply;

/** The daemon's own endpoints: health, status and shutdown. */
record DaemonControl(StatusReport report, Runnable close) implements ControlApi {
    @Override
    public HealthReply health() {
        return report.health();
    }

    @Override
    public StatusReply status() {
        return report.status();
    }

    @Override
    public void shutdown() {
        // Not on the event loop: close() waits for Vert.x to stop.
        Thread t = new Thread(close, "meshwire-shutdown");
        t.setDaemon(false);
        t.start();
    }
}
