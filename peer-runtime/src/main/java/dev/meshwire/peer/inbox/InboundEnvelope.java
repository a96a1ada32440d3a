package dev.meshwire.peer.inbox;

import dev.meshwire.peer.coordinator.MeshSession;
import dev.meshwire.signaling.envelope.Envelope;
import java.util.function.Consumer;

/**
 * One envelope that passed the shared inbound checks, with what a {@link ChannelReceiver} needs to settle it.
 *
 * @param mesh       the mesh as the recipient (for a held session or service: as that identity)
 * @param envelope   the verified envelope
 * @param senderName the sender's display name in the verified state ({@code owner/service} for a service), or null
 * @param messageId  the coordinator's message id, or null on a direct channel
 * @param path       how it arrived, e.g. {@code coordinator relay} or {@code direct}
 * @param directPeer the peer whose direct channel carried it, or null for the coordinator
 * @param session    the held session or service key it is for, or null for the member itself
 * @param acker      acks the delivery (relay: {@code client_ack}; direct: the channel ack); call once, after the commit
 * @param duplicateSeen told when the receiver settles the envelope as one it had already stored, so that the daemon's
 *                   counters tell new deliveries from redeliveries
 */
public record InboundEnvelope(MeshSession mesh, Envelope envelope, String senderName, String messageId, String path,
                              String directPeer, String session, Consumer<String> acker, Runnable duplicateSeen) {
    /** Acks a delivery the receiver has just committed. */
    public void ack(String clientMessageId) {
        acker.accept(clientMessageId);
    }

    /** Acks a delivery the receiver had already stored (a redelivery): acked again, counted as a duplicate. */
    public void ackDuplicate(String clientMessageId) {
        acker.accept(clientMessageId);
        duplicateSeen.run();
    }
}
