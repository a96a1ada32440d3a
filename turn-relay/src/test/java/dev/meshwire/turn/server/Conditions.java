package dev.meshwire.turn.server;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waiting on a condition with a generous deadline instead of sleeping a fixed time. */
public final class Conditions {
    private Conditions() {}

    /**
     * Polls {@code condition} until it holds; fails with {@code what} (evaluated only then) after {@code deadline}.
     *
     * @return how long it took, in milliseconds
     */
    public static long await(Duration deadline, Supplier<String> what, BooleanSupplier condition) throws InterruptedException {
        long start = System.nanoTime();
        long until = start + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) throw new AssertionError("not within " + deadline.toSeconds() + " s: " + what.get());
            Thread.sleep(20);
        }
        return (System.nanoTime() - start) / 1_000_000;
    }
}
