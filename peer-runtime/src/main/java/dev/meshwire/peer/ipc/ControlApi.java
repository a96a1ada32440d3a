package dev.meshwire.peer.ipc;

import java.util.Map;

/** The daemon itself over IPC: {@code /v1/health}, {@code /v1/status}, {@code /v1/shutdown}. */
public interface ControlApi {
    Map<String, Object> health();

    Map<String, Object> status();

    /** Starts an orderly shutdown after the response has been written. */
    void shutdown();
}
