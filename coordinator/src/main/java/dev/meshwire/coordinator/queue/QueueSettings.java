package dev.meshwire.coordinator.queue;

import java.time.Duration;

/**
 * Tuning of the durable queue (docs/protocol.md §6, docs/storage.md).
 *
 * @param lease                 how long a claimed, pushed row waits for its client_ack before it may be pushed again
 * @param sweepInterval         how often the sweeper clears expired claims (and re-pushes), deletes expired rows and prunes
 * @param maxInflight           most unacknowledged deliveries per session (flow control)
 * @param maxClaimBatch         most rows claimed by one claim statement
 * @param maxQueuedPerRecipient most undelivered rows per recipient; beyond it sends get queue_full
 * @param defaultTtl            lifetime of a queued row without meta.expiresAt
 * @param deliveredRetention    how long a delivered row (envelope dropped) is kept to answer retried sends as duplicates
 * @param ratePerSecond         token-bucket refill per session (sends per second); 0 disables rate limiting
 * @param rateBurst             token-bucket size per session
 * @param maxEnqueueBatch       most sends committed by one enqueue transaction
 */
public record QueueSettings(Duration lease, Duration sweepInterval, int maxInflight, int maxClaimBatch,
                            long maxQueuedPerRecipient, Duration defaultTtl, Duration deliveredRetention,
                            double ratePerSecond, long rateBurst, int maxEnqueueBatch) {

    public static QueueSettings defaults() {
        return new QueueSettings(Duration.ofSeconds(30), Duration.ofSeconds(15), 2000, 1000, 200_000,
                Duration.ofDays(7), Duration.ofHours(24), 5000, 20_000, 1000);
    }

    public QueueSettings withLease(Duration lease, Duration sweepInterval) {
        return new QueueSettings(lease, sweepInterval, maxInflight, maxClaimBatch, maxQueuedPerRecipient, defaultTtl, deliveredRetention, ratePerSecond, rateBurst, maxEnqueueBatch);
    }

    public QueueSettings withMaxInflight(int n) {
        return new QueueSettings(lease, sweepInterval, n, Math.min(maxClaimBatch, n), maxQueuedPerRecipient, defaultTtl, deliveredRetention, ratePerSecond, rateBurst, maxEnqueueBatch);
    }

    public QueueSettings withMaxQueuedPerRecipient(long n) {
        return new QueueSettings(lease, sweepInterval, maxInflight, maxClaimBatch, n, defaultTtl, deliveredRetention, ratePerSecond, rateBurst, maxEnqueueBatch);
    }

    public QueueSettings withDefaultTtl(Duration ttl) {
        return new QueueSettings(lease, sweepInterval, maxInflight, maxClaimBatch, maxQueuedPerRecipient, ttl, deliveredRetention, ratePerSecond, rateBurst, maxEnqueueBatch);
    }

    public QueueSettings withDeliveredRetention(Duration retention) {
        return new QueueSettings(lease, sweepInterval, maxInflight, maxClaimBatch, maxQueuedPerRecipient, defaultTtl, retention, ratePerSecond, rateBurst, maxEnqueueBatch);
    }

    /** {@code perSecond == 0} disables rate limiting. */
    public QueueSettings withRateLimit(double perSecond, long burst) {
        return new QueueSettings(lease, sweepInterval, maxInflight, maxClaimBatch, maxQueuedPerRecipient, defaultTtl, deliveredRetention, perSecond, burst, maxEnqueueBatch);
    }
}
