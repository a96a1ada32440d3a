package dev.meshwire.peer.transport;

/**
 * A transport accepted one envelope for one recipient.
 *
 * @param messageId the network's id for it (the coordinator's message id on the relay path)
 * @param status    what the network said, e.g. {@code relayed}
 * @param path      the user-visible path, e.g. {@code coordinator relay}
 */
public record TransportReceipt(String messageId, String status, String path) {
    /** The status of a direct-channel ack: the peer's daemon committed the message to its inbox before acking. */
    public static final String DELIVERED = "delivered";
}
