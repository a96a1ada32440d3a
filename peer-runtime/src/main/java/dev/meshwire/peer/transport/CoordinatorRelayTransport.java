package dev.meshwire.peer.transport;

import dev.meshwire.peer.coordinator.CoordinatorError;
import dev.meshwire.peer.coordinator.CoordinatorLink;
import dev.meshwire.peer.coordinator.MeshSession;
import dev.meshwire.signaling.envelope.Envelope;
import dev.meshwire.signaling.frame.ErrorCode;
import dev.meshwire.signaling.frame.Frame;
import dev.meshwire.signaling.frame.Frames;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/** Sends envelopes as {@code send} frames over the mesh's coordinator WebSocket (the always-available path). */
public final class CoordinatorRelayTransport implements Transport {
    public static final String PATH = "coordinator relay";

    @Override
    public CompletableFuture<TransportReceipt> send(MeshSession mesh, String recipientPubkey, Envelope envelope) {
        CoordinatorLink link = mesh.link();
        String id = link.nextId();
        return link.request(id, new Frames.Send(id, recipientPubkey, envelope)).handle((Frame f, Throwable t) -> {
            if (t != null) throw new CompletionException(translate(t instanceof CompletionException ? t.getCause() : t, link));
            if (f instanceof Frames.Ack ack) return new TransportReceipt(ack.messageId(), ack.status(), PATH);
            throw new CompletionException(new TransportException("unexpected_answer",
                    "coordinator answered send with " + f.type(), false));
        });
    }

    private static TransportException translate(Throwable t, CoordinatorLink link) {
        if (t instanceof CoordinatorError ce) {
            return new TransportException(ce.code(), ce.getMessage(), retryable(ce.code()));
        }
        if (t instanceof TimeoutException) {
            return new TransportException(TransportException.TIMEOUT, "the coordinator did not answer in time", true);
        }
        return new TransportException(TransportException.UNREACHABLE,
                "coordinator unreachable (" + link.describeState() + ")", true);
    }

    /**
     * Coordinator error codes that "try again later" can fix: {@code queue_full}, {@code rate_limited},
     * {@code internal}, and {@code peer_offline} (only sent by coordinators without the durable
     * queue). Everything else ({@code unknown_recipient}, {@code duplicate_conflict},
     * {@code bad_signature}, {@code invalid_frame}, {@code not_member}, {@code banned}, ...) is permanent.
     */
    public static boolean retryable(String code) {
        return switch (code == null ? "" : code) {
            case "queue_full", "rate_limited", ErrorCode.INTERNAL, ErrorCode.PEER_OFFLINE -> true;
            default -> false;
        };
    }

    @Override
    public String pathName() {
        return PATH;
    }
}
