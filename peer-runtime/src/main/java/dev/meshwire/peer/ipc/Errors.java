package dev.meshwire.peer.ipc;

import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.ipc.api.ErrorDetail;
import dev.meshwire.peer.ipc.api.ErrorReply;
import java.util.Map;

/** The one mapping from a refusal ({@link PeerException}, {@link IpcException}) to the IPC error shape. */
public final class Errors {
    private Errors() {}

    /** The error body the daemon answers for {@code pe}: its code, message, candidates and detail fields. */
    public static ErrorReply reply(PeerException pe) {
        Map<String, Object> d = pe.details();
        return new ErrorReply(new ErrorDetail(pe.code(), pe.getMessage(), pe.candidates().isEmpty() ? null : pe.candidates(),
                text(d, "field"), text(d, "fingerprintPrefix"), text(d, "state"), text(d, "messageId"), text(d, "reason"),
                text(d, "supersededBy")));
    }

    /** The error body as the CLI received it (or {@code daemon_unavailable} when there was no answer). */
    public static ErrorReply reply(IpcException ie) {
        if (ie.detail() != null) return new ErrorReply(ie.detail());
        return ErrorReply.of(ie.code(), ie.getMessage());
    }

    private static String text(Map<String, Object> details, String key) {
        Object v = details.get(key);
        return v == null ? null : v.toString();
    }
}
