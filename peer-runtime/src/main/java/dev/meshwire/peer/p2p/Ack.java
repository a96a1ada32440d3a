package dev.meshwire.peer.p2p;

/**
 * The peer's engine reassembled a message and handed it to its listener. It does not mean the
 * application stored it (that stays the envelope-level {@code client_ack}).
 *
 * @param peer      the receiver's public key (hex)
 * @param sessionId the direct session the message crossed
 * @param messageId the sender's per-session frame id (not the envelope id)
 * @param bytes     payload length
 * @param rttNanos  time from our first chunk sent to the ack received
 */
public record Ack(String peer, String sessionId, long messageId, int bytes, long rttNanos) {}
