package dev.meshwire.coordinator.queue;

/** A per-session token bucket: {@code burst} tokens, refilled at {@code perSecond}. Not thread-safe (one event loop). */
public final class TokenBucket {
    private final double perMs;
    private final double burst;
    private double tokens;
    private long last;

    public TokenBucket(double perSecond, long burst, long nowMs) {
        this.perMs = perSecond / 1000.0;
        this.burst = Math.max(1, burst);
        this.tokens = this.burst;
        this.last = nowMs;
    }

    /** A bucket that never refuses, or a real one. */
    public static TokenBucket of(QueueSettings s, long nowMs) {
        return s.ratePerSecond() <= 0 ? null : new TokenBucket(s.ratePerSecond(), s.rateBurst(), nowMs);
    }

    public boolean tryTake(long nowMs) {
        refill(nowMs);
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    /** True when the bucket is back to its burst size: it then behaves exactly like a new one (and may be dropped). */
    public boolean isFull(long nowMs) {
        refill(nowMs);
        return tokens >= burst;
    }

    private void refill(long nowMs) {
        if (nowMs > last) {
            tokens = Math.min(burst, tokens + (nowMs - last) * perMs);
            last = nowMs;
        }
    }

    /** Gives a token back (the send turned out to be a duplicate, which costs nothing). */
    public void refund() {
        tokens = Math.min(burst, tokens + 1);
    }
}
