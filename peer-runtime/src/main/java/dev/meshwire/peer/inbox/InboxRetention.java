package dev.meshwire.peer.inbox;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes inbox rows older than the retention period: once at start, then hourly on its own
 * thread (a prune is one indexed DELETE; failures are logged and retried at the next hour).
 */
public final class InboxRetention implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(InboxRetention.class);
    private final Inbox inbox;
    private final Duration retention;
    private ScheduledExecutorService timer;

    public InboxRetention(Inbox inbox, Duration retention) {
        this.inbox = inbox;
        this.retention = retention;
    }

    /** Prunes now, synchronously. */
    public void pruneNow() {
        try {
            int n = inbox.pruneBefore(System.currentTimeMillis() - retention.toMillis());
            if (n > 0) log.info("inbox: pruned {} messages older than {} days", n, retention.toDays());
        } catch (RuntimeException e) {
            log.warn("inbox prune failed: {}", e.getMessage());
        }
    }

    /** Prunes every hour from now on, until closed. */
    public void scheduleHourly() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "meshwire-housekeeping");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(this::pruneNow, 1, 1, TimeUnit.HOURS);
    }

    @Override
    public void close() {
        if (timer != null) timer.shutdownNow();
    }
}
