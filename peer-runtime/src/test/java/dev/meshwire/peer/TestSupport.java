package dev.meshwire.peer;

import java.util.function.BooleanSupplier;

/** Waiting on conditions with deadlines (never fixed sleeps as assertions). */
public final class TestSupport {
    private TestSupport() {}

    public static void await(String what, long timeoutMs, BooleanSupplier cond) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (!cond.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) throw new AssertionError("timed out waiting for " + what);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }
}
