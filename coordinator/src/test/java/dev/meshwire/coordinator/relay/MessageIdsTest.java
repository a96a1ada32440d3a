package dev.meshwire.coordinator.relay;

import static org.junit.jupiter.api.Assertions.*;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Message ids from the pooled CSPRNG bytes: the documented shape, and never the same bytes twice across refills and threads. */
class MessageIdsTest {
    static final Pattern SHAPE = Pattern.compile("msg_[0-9a-f]{24}");

    @Test
    void idsHaveTheShapeAndAreDistinctAcrossManyRefills() {
        int n = 20 * (MessageIds.POOL_BYTES / MessageIds.ID_BYTES) + 7;
        Set<String> seen = new HashSet<>();
        int[] highNibbles = new int[16];
        for (int i = 0; i < n; i++) {
            String id = MessageIds.next();
            assertTrue(SHAPE.matcher(id).matches(), id);
            assertTrue(seen.add(id), "repeated " + id);
            highNibbles[Character.digit(id.charAt(4), 16)]++;
        }
        // Every hex digit turns up as the first one (random bytes, not a counter): ~430 each expected.
        for (int d = 0; d < 16; d++) assertTrue(highNibbles[d] > n / 64, "digit " + d + ": " + highNibbles[d]);
    }

    @Test
    void threadsNeverShareAnId() throws Exception {
        Set<String> seen = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            java.util.List<Future<?>> done = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 5_000; i++) assertTrue(seen.add(MessageIds.next()));
                }));
            }
            for (Future<?> f : done) f.get();
        } finally {
            pool.shutdownNow();
        }
        assertEquals(20_000, seen.size());
    }
}
