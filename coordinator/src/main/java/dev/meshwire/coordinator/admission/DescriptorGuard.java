package dev.meshwire.coordinator.admission;

import io.netty.channel.Channel;
import java.lang.management.ManagementFactory;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops the listeners from accepting while the process is close to its descriptor limit, and resumes below a
 * lower mark. Netty's acceptor thread takes connections off the kernel's queue faster than the event loop can
 * refuse them; without this, a connection flood runs the process out of descriptors ("too many open files"),
 * which breaks more than accepting (database files, logs). While paused, new connections wait in the kernel's
 * listen backlog (and beyond it, SYNs are retried by the clients), exactly as with a slow server.
 *
 * <p>Samples the open-descriptor count on a thread of its own (the event loop is exactly what lags during a
 * flood); Netty's {@code setAutoRead} may be called from any thread. Counting reads {@code /proc/self/fd}, whose
 * cost grows with the descriptors open, so the interval follows the headroom: every {@link #SAMPLE_MS} ms near
 * the mark, up to once a second when even a fast flood ({@link #FLOOD_PER_MS} accepts per ms) could not reach
 * the mark before the next sample. A coordinator holding 20,000 connections far below its limit then counts
 * them once a second, not a hundred times.
 */
public final class DescriptorGuard {
    private static final Logger LOG = LoggerFactory.getLogger(DescriptorGuard.class);
    static final long SAMPLE_MS = 10;
    static final long MAX_SAMPLE_MS = 1_000;
    /** Accepts per millisecond assumed of a flood when choosing the next sample's delay. */
    static final long FLOOD_PER_MS = 50;
    static final double PAUSE_AT = 0.70;
    static final double RESUME_BELOW = 0.55;
    private static final long REPORT_EVERY_MS = 10_000;

    private final long limit;
    private final LongSupplier openDescriptors;
    private final Runnable onPause;
    private final Set<Channel> listeners = new CopyOnWriteArraySet<>();
    private volatile boolean paused;
    private ScheduledExecutorService sampler;
    private long lastReport;

    DescriptorGuard(long limit, LongSupplier openDescriptors, Runnable onPause) {
        this.limit = limit;
        this.openDescriptors = openDescriptors;
        this.onPause = onPause;
    }

    /** A guard over this process's descriptors, or null where the JVM cannot count them (not a Unix). */
    public static DescriptorGuard forThisProcess(Runnable onPause) {
        if (!(ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix)) return null;
        return new DescriptorGuard(unix.getMaxFileDescriptorCount(), unix::getOpenFileDescriptorCount, onPause);
    }

    public synchronized void start() {
        sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "meshwire-descriptor-guard");
            t.setDaemon(true);
            return t;
        });
        sampler.schedule(this::sample, SAMPLE_MS, TimeUnit.MILLISECONDS);
    }

    /** The delay before the next sample with {@code open} descriptors open: the time a flood needs to reach the mark. */
    static long nextDelayMs(long limit, long open) {
        long headroom = (long) (limit * PAUSE_AT) - open;
        return Math.max(SAMPLE_MS, Math.min(MAX_SAMPLE_MS, headroom / FLOOD_PER_MS));
    }

    public synchronized void stop() {
        if (sampler != null) sampler.shutdownNow();
        sampler = null;
    }

    /** The listening channel that accepted {@code child}: paused and resumed with the others. */
    public void watch(Channel child) {
        Channel server = child.parent();
        if (server != null && listeners.add(server) && paused) server.config().setAutoRead(false);
    }

    private void sample() {
        long delay = SAMPLE_MS;
        try {
            delay = check();
        } catch (RuntimeException e) {
            LOG.warn("descriptor guard: {}", e.toString()); // never let the sampler die
        }
        synchronized (this) {
            if (sampler != null) sampler.schedule(this::sample, delay, TimeUnit.MILLISECONDS);
        }
    }

    /** One sample; returns the delay before the next. */
    private long check() {
        long open = openDescriptors.getAsLong();
        if (open < 0) return MAX_SAMPLE_MS;
        if (!paused && open >= limit * PAUSE_AT) {
            paused = true;
            for (Channel c : listeners) c.config().setAutoRead(false);
            onPause.run();
            long now = System.nanoTime() / 1_000_000;
            if (now - lastReport >= REPORT_EVERY_MS) {
                lastReport = now;
                LOG.warn("{} of {} descriptors open: not accepting connections until fewer than {} are", open, limit, (long) (limit * RESUME_BELOW));
            }
        } else if (paused && open < limit * RESUME_BELOW) {
            paused = false;
            for (Channel c : listeners) c.config().setAutoRead(true);
        }
        return paused ? SAMPLE_MS : nextDelayMs(limit, open);
    }
}
