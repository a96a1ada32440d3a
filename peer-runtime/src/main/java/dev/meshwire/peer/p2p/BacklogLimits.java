package dev.meshwire.peer.p2p;

import java.time.Duration;

/**
 * How much one direct session may hold for a peer that does not keep up, and how long it may wait for
 * that peer. The backlog is every message taken by {@link P2pEngine#send} and not yet acked: queued,
 * being chunked onto the channel, or sent and waiting for the ack. Heartbeats do not count.
 *
 * @param maxMessages  a send that would make the backlog hold more messages is refused at once with
 *                     {@link P2pException#BACKLOG_FULL} (retryable: the caller uses the relay)
 * @param maxBytes     the same in payload bytes; a message larger than this is still taken when the
 *                     backlog is empty, so every message up to {@code maxMessageBytes} can go direct
 * @param stallTimeout a session with a non-empty backlog that gets no ack of a message for this long
 *                     is closed as stalled; its unacked messages go back to the caller for the relay
 */
public record BacklogLimits(int maxMessages, long maxBytes, Duration stallTimeout) {
    public BacklogLimits {
        if (maxMessages < 1) throw new IllegalArgumentException("maxMessages must be positive");
        if (maxBytes < 1) throw new IllegalArgumentException("maxBytes must be positive");
        if (stallTimeout == null || stallTimeout.isNegative() || stallTimeout.isZero()) {
            throw new IllegalArgumentException("stallTimeout must be positive");
        }
    }

    /** 1,024 messages, 32 MiB, 30 s. */
    public static BacklogLimits defaults() {
        return new BacklogLimits(1024, 32L << 20, Duration.ofSeconds(30));
    }
}
