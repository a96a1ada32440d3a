package dev.meshwire.peer.ipc;

import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.ipc.api.ErrorDetail;
import dev.meshwire.peer.ipc.api.ErrorFields;
import dev.meshwire.peer.ipc.api.ErrorReply;

/** The one mapping from a refusal ({@link PeerException}, {@link IpcException}) to the IPC error shape. */
public final class Errors {
    private Errors() {}

    /** The error body the daemon answers for {@code pe}: its code, message, candidates and extra fields. */
    public static ErrorReply reply(PeerException pe) {
        ErrorFields f = pe.fields();
        return new ErrorReply(new ErrorDetail(pe.code(), pe.getMessage(), pe.candidates().isEmpty() ? null : pe.candidates(),
                f.field(), f.fingerprintPrefix(), f.state(), f.messageId(), f.reason(), f.supersededBy(), f.envelopeBytes(),
                f.relayMaxFrameBytes()));
    }

    /** The error body as the CLI received it (or {@code daemon_unavailable} when there was no answer). */
    public static ErrorReply reply(IpcException ie) {
        ErrorDetail d = ie.detail();
        return d != null ? new ErrorReply(d) : ErrorReply.of(ie.code(), ie.getMessage());
    }
}
