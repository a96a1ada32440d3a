package dev.meshwire.peer.transport;

import dev.meshwire.peer.coordinator.MeshSession;
import dev.meshwire.signaling.envelope.Envelope;
import java.util.concurrent.CompletableFuture;

/**
 * Moves one signed, already-encrypted envelope to one recipient. The contract every implementation
 * (coordinator relay now, WebRTC data channel later) keeps:
 *
 * <ul>
 *   <li>The envelope is sent exactly as given: the transport never re-encrypts, re-signs or edits it,
 *       so the receiver has one decode path whatever the route.</li>
 *   <li>The future completes when the next hop accepted the envelope (relay: the coordinator's
 *       {@code ack}). It does NOT mean the recipient stored it; that is {@code client_ack}.</li>
 *   <li>It fails with {@link TransportException}; {@code retryable()} separates "try later" (network
 *       down, timeout, peer offline) from "never" (unknown recipient, refused).</li>
 *   <li>Never blocks the caller's thread; safe to call from any thread.</li>
 * </ul>
 */
public interface Transport {
    CompletableFuture<TransportReceipt> send(MeshSession mesh, String recipientPubkey, Envelope envelope);

    /**
     * {@link #send(MeshSession, String, Envelope)} when the caller already knows the size of the envelope's JSON form
     * ({@code jsonBytes}, e.g. the outbox's stored text): a transport that needs it for a limit or a metric then does
     * not serialize the envelope just to measure it.
     */
    default CompletableFuture<TransportReceipt> send(MeshSession mesh, String recipientPubkey, Envelope envelope, long jsonBytes) {
        return send(mesh, recipientPubkey, envelope);
    }

    /** The length of {@code s} in UTF-8 (the encoder's all-ASCII fast path beat a per-char loop in the drain's profile). */
    static long utf8Length(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }

    /** The user-visible path name, e.g. {@code coordinator relay}. */
    String pathName();
}
