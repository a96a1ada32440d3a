package dev.meshwire.peer.p2p;

/**
 * A message that was accepted by {@link P2pEngine#send} but never acked before its session ended.
 * The peer may or may not have it; the caller resends it over the relay and the receiver dedupes
 * (envelope ids are the dedupe key, not {@code messageId}).
 *
 * @param payload the exact bytes given to send (not copied again: do not modify)
 */
public record Unacked(String peer, String sessionId, long messageId, byte[] payload) {}
