package dev.meshwire.peer.daemon;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;

/**
 * Test traffic at a steady pace: runs {@code step(i)} every {@code everyMs} on its own thread until
 * {@code done} says so. The pace shapes the load; tests never wait on it — they wait on conditions.
 */
final class PacedSender {
    private final ScheduledExecutorService exec;
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();

    private PacedSender(ScheduledExecutorService exec) {
        this.exec = exec;
    }

    static PacedSender start(long everyMs, IntConsumer step, BooleanSupplier done) {
        ScheduledExecutorService exec = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "paced-sender");
            t.setDaemon(true);
            return t;
        });
        PacedSender sender = new PacedSender(exec);
        AtomicInteger i = new AtomicInteger();
        exec.scheduleWithFixedDelay(() -> {
            if (done.getAsBoolean()) {
                exec.shutdown();
                return;
            }
            try {
                step.accept(i.getAndIncrement());
            } catch (RuntimeException e) {
                sender.failure.set(e); // reported by awaitDone: a step that fails is a test failure
                exec.shutdown();
            }
        }, 0, everyMs, TimeUnit.MILLISECONDS);
        return sender;
    }

    /** Waits until {@code done} ended the traffic (or fails after {@code seconds}). */
    void awaitDone(long seconds) throws InterruptedException {
        assertTrue(exec.awaitTermination(seconds, TimeUnit.SECONDS), "the paced sender did not stop within " + seconds + " s");
        if (failure.get() != null) throw new AssertionError("a paced step failed", failure.get());
    }
}
