package dev.meshwire.turn.server;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waiting on a condition with a generous deadline instead of sleeping a fixed time. */
final class Conditions {
    private Conditions() {}

    static void await(Duration deadline, Supplier<String> what, BooleanSupplier condition) throws InterruptedException {
        long until = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) throw new AssertionError("not within " + deadline.toSeconds() + " s: " + what.get());
            Thread.sleep(20);
        }
    }
}
