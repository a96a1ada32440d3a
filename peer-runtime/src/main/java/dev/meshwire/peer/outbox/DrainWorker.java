package dev.meshwire.peer.outbox;

import dev.meshwire.peer.coordinator.MeshSession;
import dev.meshwire.peer.transport.Transport;
import dev.meshwire.peer.transport.TransportException;
import dev.meshwire.peer.transport.TransportReceipt;
import dev.meshwire.signaling.Json;
import dev.meshwire.signaling.envelope.Envelope;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards due outbox copies (docs/delivery.md §4). One thread: it claims due pending copies of every
 * connected mesh (oldest first) as {@code inflight} before sending, keeps up to {@code window} sends
 * outstanding, and applies the coordinator's answers: {@code ack} → done; retryable error, timeout or
 * link drop → pending with backoff; permanent refusal → dead. Copies older than {@code maxAge} die
 * with {@code max_age}. It wakes at once on accept ({@link #wake}) and on link (re)connect
 * ({@link #linkConnected}). JDBC happens only on this thread, never on an event loop. A copy's first send takes the
 * envelope object its accept built ({@code sealed}, shared with the {@link DurableOutbox}); any other send parses the row.
 */
public final class DrainWorker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DrainWorker.class);
    public static final int DEFAULT_WINDOW = 256;
    public static final Duration DEFAULT_MAX_AGE = Duration.ofDays(7);
    public static final long BASE_BACKOFF_MS = 500;
    public static final long MAX_BACKOFF_MS = 30_000;
    private static final long IDLE_WAIT_MS = 1_000;

    private record Result(OutboxStore.Copy copy, TransportReceipt receipt, Throwable error) {}

    private final OutboxStore store;
    private final Transport transport;
    private final Supplier<Collection<MeshSession>> sessions;
    private final int window;
    private final Duration maxAge;
    private final LongSupplier clock;
    private final SealedEnvelopes sealed;
    private final Queue<Result> results = new ConcurrentLinkedQueue<>();
    private final Queue<String> connected = new ConcurrentLinkedQueue<>();
    private final AtomicInteger outstanding = new AtomicInteger();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private final AtomicLong dead = new AtomicLong();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition signal = lock.newCondition();
    private boolean woken;
    private volatile boolean running;
    private Thread thread;

    public DrainWorker(OutboxStore store, Transport transport, Supplier<Collection<MeshSession>> sessions, int window,
                       Duration maxAge, LongSupplier clock, SealedEnvelopes sealed) {
        this.sealed = sealed;
        this.store = store;
        this.transport = transport;
        this.sessions = sessions;
        this.window = window;
        this.maxAge = maxAge;
        this.clock = clock;
    }

    /**
     * The retry delay after the {@code attempts}-th failed attempt (1-based):
     * {@code min(30 s, 500 ms × 2^(attempts − 1))} — 0.5, 1, 2, 4, 8, 16, 30, 30, ... s.
     */
    public static long backoffMs(int attempts) {
        int n = Math.max(1, attempts) - 1;
        if (n >= 16) return MAX_BACKOFF_MS;
        return Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS << n);
    }

    public synchronized void start() {
        if (running) return;
        running = true;
        thread = new Thread(this::loop, "meshwire-drain");
        thread.setDaemon(true);
        thread.start();
    }

    /** Something became due (a new accept): run a pass now. Safe from any thread, never blocks long. */
    public void wake() {
        lock.lock();
        try {
            woken = true;
            signal.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** A mesh link (re)connected: its pending copies become due now. Safe from an event loop. */
    public void linkConnected(String meshId) {
        connected.add(meshId);
        wake();
    }

    public int outstanding() { return outstanding.get(); }
    public long sent() { return sent.get(); }
    public long doneCount() { return done.get(); }
    public long retriedCount() { return retried.get(); }
    public long deadCount() { return dead.get(); }

    private void loop() {
        long lastExpire = 0;
        while (running) {
            try {
                applyResults();
                long now = clock.getAsLong();
                for (String meshId; (meshId = connected.poll()) != null; ) store.makeDueNow(meshId, now);
                if (now - lastExpire >= 1_000) {
                    lastExpire = now;
                    int n = store.expire(now - maxAge.toMillis(), now, "max_age: not delivered within " + human(maxAge));
                    if (n > 0) {
                        dead.addAndGet(n);
                        log.warn("outbox: {} message copies exceeded the maximum age ({}) and are dead", n, human(maxAge));
                    }
                }
                List<String> live = new ArrayList<>();
                for (MeshSession s : sessions.get()) {
                    if (!s.link().connected()) continue;
                    live.add(s.config().meshId());
                    int free = window - outstanding.get();
                    if (free <= 0) break;
                    for (OutboxStore.Copy c : store.claimDue(s.config().meshId(), now, free)) send(s, c);
                }
                waitForWork(live, now);
            } catch (RuntimeException e) {
                log.error("outbox drain pass failed", e);
                waitMs(IDLE_WAIT_MS);
            }
        }
        applyResults();
    }

    private void send(MeshSession s, OutboxStore.Copy c) {
        outstanding.incrementAndGet();
        sent.incrementAndGet();
        CompletableFuture<TransportReceipt> f;
        try {
            Envelope env = sealed.take(c.outboxId(), c.recipientPubkey(), c.envelopeJson());
            if (env == null) env = Json.MAPPER.readValue(c.envelopeJson(), Envelope.class);
            f = transport.send(s, c.recipientPubkey(), env, Transport.utf8Length(c.envelopeJson()));
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            // The row itself is unreadable: no later attempt can send it.
            f = CompletableFuture.failedFuture(new TransportException("corrupt_row", "the stored envelope cannot be read: " + e.getOriginalMessage(), false));
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e); // a transport bug: retried (applyResults)
        }
        f.whenComplete((r, t) -> {
            results.add(new Result(c, r, t));
            wake();
        });
    }

    /**
     * Applies every answer that arrived since the last pass: the successes in one transaction (group commit: one
     * commit per pass, not per message), each failure on its own (rare).
     */
    private void applyResults() {
        List<OutboxStore.Done> ok = new ArrayList<>();
        for (Result r; (r = results.poll()) != null; ) {
            if (r.error() == null) {
                OutboxStore.Copy c = r.copy();
                ok.add(new OutboxStore.Done(c.outboxId(), c.recipientPubkey(), r.receipt().messageId(), r.receipt().status()));
            } else {
                applyFailure(r);
            }
        }
        if (ok.isEmpty()) return;
        store.markDone(ok, clock.getAsLong());
        // Counted as free only once committed: the window never runs ahead of what the database knows.
        outstanding.addAndGet(-ok.size());
        done.addAndGet(ok.size());
    }

    private void applyFailure(Result r) {
        outstanding.decrementAndGet();
        OutboxStore.Copy c = r.copy();
        long now = clock.getAsLong();
        Throwable t = r.error() instanceof CompletionException && r.error().getCause() != null ? r.error().getCause() : r.error();
        TransportException te;
        if (t instanceof TransportException x) {
            te = x;
        } else {
            // A bug in a transport is not the recipient's refusal: the copy waits and is tried again (backoff),
            // never dropped, and the stack trace is logged so the bug can be found.
            log.warn("outbox: sending {} to {} failed unexpectedly; it stays pending", c.clientMessageId(), c.recipientPubkey(), t);
            te = new TransportException("internal", "cannot send: " + t, true);
        }
        String why = te.code() + ": " + te.getMessage();
        if (te.retryable()) {
            long delay = backoffMs(c.attempts());
            store.markRetry(c.outboxId(), c.recipientPubkey(), why, now + delay, now);
            retried.incrementAndGet();
            log.debug("outbox: {} to {} failed ({}), retry in {} ms", c.clientMessageId(), c.recipientPubkey(), why, delay);
        } else {
            store.markDead(c.outboxId(), c.recipientPubkey(), why, now);
            dead.incrementAndGet();
            log.warn("outbox: {} to {} refused permanently: {}", c.clientMessageId(), c.recipientPubkey(), why);
        }
    }

    private void waitForWork(List<String> liveMeshes, long now) {
        long wait = IDLE_WAIT_MS;
        if (!liveMeshes.isEmpty() && outstanding.get() < window) {
            Long due = store.nextDue(liveMeshes);
            if (due != null) wait = Math.min(wait, due - now);
        }
        if (wait > 0) waitMs(wait);
    }

    private void waitMs(long ms) {
        lock.lock();
        try {
            long nanos = ms * 1_000_000L;
            while (!woken && running && results.isEmpty() && nanos > 0) nanos = signal.awaitNanos(nanos);
            woken = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        } finally {
            lock.unlock();
        }
    }

    private static String human(Duration d) {
        long s = d.toSeconds();
        if (s >= 86_400 && s % 86_400 == 0) return s / 86_400 + " d";
        if (s >= 3_600 && s % 3_600 == 0) return s / 3_600 + " h";
        if (s >= 1) return s + " s";
        return d.toMillis() + " ms";
    }

    /** Stops the thread; outstanding sends stay inflight in the database and are recovered at the next start. */
    @Override
    public void close() {
        running = false;
        wake();
        Thread t = thread;
        if (t != null) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
