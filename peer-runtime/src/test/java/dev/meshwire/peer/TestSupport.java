package dev.meshwire.peer;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waiting on conditions with deadlines (never fixed sleeps as assertions), and skipping what this machine cannot run. */
public final class TestSupport {
    private TestSupport() {}

    /**
     * Aborts the test when {@code why} is not null: skipped on a bare developer box, but a failure in CI
     * ({@code CI=true}), where every prerequisite is installed and a skip would hide a broken machine.
     */
    public static void skipOrFail(String why) {
        if (why == null) return;
        if ("true".equals(System.getenv("CI"))) org.junit.jupiter.api.Assertions.fail(why);
        org.junit.jupiter.api.Assumptions.abort(why);
    }

    /** Skips (or, in CI, fails) a test that needs webrtc-java's native library when it cannot load here. */
    public static void requireWebRtc() {
        dev.meshwire.peer.p2p.NativeWebRtc n = dev.meshwire.peer.p2p.NativeWebRtc.get();
        if (!n.available()) skipOrFail("WebRTC unavailable: " + n.unavailableReason());
    }

    public static void await(String what, long timeoutMs, BooleanSupplier cond) {
        await(what, Duration.ofMillis(timeoutMs), () -> cond.getAsBoolean() ? Boolean.TRUE : null);
    }

    /**
     * Polls {@code probe} until it returns a value other than null or {@code false}, and returns it.
     * A probe that throws counts as "not yet"; its last exception is named if the deadline passes.
     */
    public static <T> T await(String what, Duration timeout, Supplier<T> probe) {
        long end = System.nanoTime() + timeout.toNanos();
        long pause = 20;
        RuntimeException last = null;
        while (true) {
            try {
                T value = probe.get();
                if (value != null && !Boolean.FALSE.equals(value)) return value;
            } catch (RuntimeException e) {
                last = e;
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what
                        + (last != null ? " (last error: " + last + ")" : ""), last);
            }
            try {
                Thread.sleep(pause); // poll interval of a condition wait, not a timing assumption
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
            pause = Math.min(pause * 2, 500);
        }
    }
}
