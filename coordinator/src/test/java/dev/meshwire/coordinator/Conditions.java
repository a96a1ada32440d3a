package dev.meshwire.coordinator;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting on a condition with a generous deadline (never a fixed sleep as an assertion): CI runs on loaded machines. */
public final class Conditions {
    public static final Duration DEADLINE = Duration.ofSeconds(30);

    private Conditions() {}

    /** Polls {@code cond} until it holds; fails naming {@code what} after {@link #DEADLINE}. */
    public static void await(String what, BooleanSupplier cond) throws InterruptedException {
        await(what, DEADLINE, cond);
    }

    /** Polls {@code cond} until it holds; fails naming {@code what} after {@code limit} (for long work, e.g. a drain). */
    public static void await(String what, Duration limit, BooleanSupplier cond) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out after " + limit.toSeconds() + " s waiting for " + what);
            Thread.sleep(20); // poll interval of the condition wait, not a timing assumption
        }
    }
}
