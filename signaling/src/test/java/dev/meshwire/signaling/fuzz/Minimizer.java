package dev.meshwire.signaling.fuzz;

import java.util.Arrays;
import java.util.function.Predicate;

/**
 * Shrinks a crashing input so the failure report shows the part that matters: it removes ever smaller
 * chunks (halves, quarters, … single bytes) as long as the input still crashes the same way. Bounded,
 * so a slow parser cannot stall the report.
 */
final class Minimizer {
    private static final int MAX_ATTEMPTS = 4_000;

    private Minimizer() {}

    static byte[] minimize(byte[] input, Predicate<byte[]> stillCrashes) {
        byte[] best = input;
        int attempts = 0;
        for (int chunk = Math.max(1, best.length / 2); chunk >= 1 && attempts < MAX_ATTEMPTS; chunk /= 2) {
            boolean shrunk = true;
            while (shrunk && attempts < MAX_ATTEMPTS) {
                shrunk = false;
                for (int at = 0; at + chunk <= best.length && attempts < MAX_ATTEMPTS; ) {
                    byte[] candidate = without(best, at, chunk);
                    attempts++;
                    if (stillCrashes.test(candidate)) {
                        best = candidate;
                        shrunk = true;
                    } else {
                        at += chunk;
                    }
                }
            }
        }
        return best;
    }

    private static byte[] without(byte[] b, int at, int len) {
        byte[] out = Arrays.copyOf(b, b.length - len);
        System.arraycopy(b, at + len, out, at, b.length - at - len);
        return out;
    }
}
