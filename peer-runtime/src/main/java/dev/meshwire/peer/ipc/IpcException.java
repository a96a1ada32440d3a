package dev.meshwire.peer.ipc;

import java.util.List;

/** An IPC call failed: the daemon's {@code {"error":{code,message}}}, or {@code daemon_unavailable} (status 0). */
public class IpcException extends RuntimeException {
    private final int status;
    private final String code;
    private final List<String> candidates;

    public IpcException(int status, String code, String message, List<String> candidates) {
        super(message);
        this.status = status;
        this.code = code;
        this.candidates = candidates == null ? List.of() : candidates;
    }

    public int status() { return status; }
    public String code() { return code; }
    public List<String> candidates() { return candidates; }
}
