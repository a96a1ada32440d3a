package dev.meshwire.peer.ipc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.peer.ipc.api.ErrorDetail;
import dev.meshwire.signaling.Json;
import java.util.List;

/** An IPC call failed: the daemon's {@code {"error":{code,message}}}, or {@code daemon_unavailable} (status 0). */
public class IpcException extends RuntimeException {
    private final int status;
    private final String code;
    private final List<String> candidates;
    private final JsonNode error;

    public IpcException(int status, String code, String message, List<String> candidates) {
        this(status, code, message, candidates, null);
    }

    public IpcException(int status, String code, String message, List<String> candidates, JsonNode error) {
        super(message);
        this.status = status;
        this.code = code;
        this.candidates = candidates == null ? List.of() : candidates;
        this.error = error;
    }

    /** The daemon's whole {@code error} object as received (with e.g. fingerprintPrefix, messageId), or null. */
    public JsonNode error() { return error; }

    /** The daemon's {@code error} object as the typed record, or null when there was no error body. */
    public ErrorDetail detail() {
        if (error == null || !error.isObject()) return null;
        try {
            return Json.MAPPER.treeToValue(error, ErrorDetail.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
            return null;
        }
    }

    public int status() { return status; }
    public String code() { return code; }
    public List<String> candidates() { return candidates; }
}
