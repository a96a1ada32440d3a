package dev.meshwire.coordinator.store;

import java.util.HashMap;
import java.util.Map;

/**
 * Avoids a {@code COUNT(*)} of a recipient's undelivered rows on every enqueue batch when the recipient is
 * far below the queue cap. The cached value only grows with inserts (acks are not subtracted), so it
 * over-estimates: once it reaches 90 % of the cap, or is older than {@link #MAX_AGE_MS}, the store counts
 * again. The cap is exact whenever it matters (near the limit), cheap otherwise.
 */
final class DepthCache {
    static final long MAX_AGE_MS = 1_000;
    private record Entry(long depth, long countedAt) {}
    private final Map<String, Entry> entries = new HashMap<>();

    /** Returns a trusted depth, or -1 when the caller must count. */
    synchronized long get(String meshId, String recipient, long incoming, long cap, long now) {
        Entry e = entries.get(meshId + '|' + recipient);
        if (e == null || now - e.countedAt > MAX_AGE_MS || (e.depth + incoming) * 10 >= cap * 9) return -1;
        return e.depth;
    }

    synchronized void counted(String meshId, String recipient, long depth, long now) {
        if (entries.size() > 10_000) entries.clear();
        entries.put(meshId + '|' + recipient, new Entry(depth, now));
    }

    synchronized void inserted(String meshId, String recipient, long n) {
        entries.computeIfPresent(meshId + '|' + recipient, (k, e) -> new Entry(e.depth + n, e.countedAt));
    }
}
