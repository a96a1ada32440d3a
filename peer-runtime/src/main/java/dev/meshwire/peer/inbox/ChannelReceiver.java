package dev.meshwire.peer.inbox;

/**
 * Takes one inbound envelope of a channel the {@link InboundProcessor} routes to it (docs/protocol.md §12). The
 * processor calls it only after the checks every channel shares have passed: the signature verifies, the sender is an
 * active member of the verified mesh state (or a session or service acting for one), the recipient's grants allow the
 * channel, and a held service's read scopes allow it.
 *
 * <p>Contract: either the envelope is settled — stored durably (or recognised as a duplicate) and then
 * {@link InboundEnvelope#ack(String)} called once with its {@code clientMessageId} — and the method returns null; or it
 * returns a short reason to drop it, and the processor logs, counts and acks it (a dropped envelope is acked, or the
 * coordinator would redeliver it forever). Throwing is a local failure: no ack, the coordinator redelivers after its
 * lease. Called on a worker thread (never the event loop, never the WebRTC thread); may block on the disk.
 */
@FunctionalInterface
public interface ChannelReceiver {
    String receive(InboundEnvelope in);
}
