package dev.meshwire.turn.server.alloc;

/**
 * A byte-rate cap: {@code rate} bytes per second with a burst of one second's worth. Event-loop only.
 */
public final class TokenBucket {
    private final long rate;
    private long tokens;
    private long last;

    public TokenBucket(long bytesPerSecond, long now) {
        this.rate = bytesPerSecond;
        this.tokens = bytesPerSecond;
        this.last = now;
    }

    /** Takes {@code bytes} if the bucket holds them; false (nothing taken) means the packet is over the cap. */
    public boolean take(int bytes, long now) {
        long elapsed = now - last;
        if (elapsed > 0) {
            // nanoseconds * bytes/s can overflow after ~90 s at 1 GB/s: cap the refill at a full bucket
            long add = elapsed >= 1_000_000_000L ? rate : elapsed * rate / 1_000_000_000L;
            if (add > 0) {
                tokens = Math.min(rate, tokens + add);
                last = now;
            }
        }
        if (tokens < bytes) return false;
        tokens -= bytes;
        return true;
    }
}
