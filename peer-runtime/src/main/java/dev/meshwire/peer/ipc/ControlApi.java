package dev.meshwire.peer.ipc;

import dev.meshwire.peer.ipc.api.HealthReply;
import dev.meshwire.peer.ipc.api.StatusReply;

/** The daemon itself over IPC: {@code /v1/health}, {@code /v1/status}, {@code /v1/shutdown}. */
public interface ControlApi {
    HealthReply health();

    StatusReply status();

    /** Starts an orderly shutdown after the response has been written. */
    void shutdown();
}
