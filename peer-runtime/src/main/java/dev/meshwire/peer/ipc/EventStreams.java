package dev.meshwire.peer.ipc;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.meshwire.peer.events.DaemonEvent;
import dev.meshwire.peer.events.EventBus;
import dev.meshwire.peer.ipc.api.EventStreamCounters;
import dev.meshwire.signaling.Json;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code GET /v1/events} streams (Server-Sent Events): each follows the {@link EventBus} and writes every
 * event to its client, within {@link StreamLimits}. The stream is a notification channel, not a log: a client
 * that does not read is disconnected rather than buffered for ({@code slowClosed}), and after reconnecting it
 * reads what it missed from the inbox, which is durable. Events carry no ids and there is no resume.
 */
public final class EventStreams {
    private static final Logger log = LoggerFactory.getLogger(EventStreams.class);
    /** A comment this often keeps proxies and idle timeouts from closing a quiet stream. */
    static final long KEEP_ALIVE_MS = 15_000;

    private final Vertx vertx;
    private final EventBus events;
    private final StreamLimits limits;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong slowClosed = new AtomicLong();
    private final AtomicLong peakQueuedBytes = new AtomicLong();

    public EventStreams(Vertx vertx, EventBus events, StreamLimits limits) {
        this.vertx = vertx;
        this.events = events;
        this.limits = limits;
    }

    public StreamLimits limits() {
        return limits;
    }

    /** What {@code status} shows as {@code daemon.events}. */
    public EventStreamCounters snapshot() {
        return new EventStreamCounters(open.get(), refused.get(), slowClosed.get(), peakQueuedBytes.get());
    }

    /** Serves one {@code GET /v1/events} (already authenticated). */
    void serve(RoutingContext ctx) {
        HttpServerResponse res = ctx.response();
        if (open.incrementAndGet() > limits.maxStreams()) {
            open.decrementAndGet();
            refused.incrementAndGet();
            IpcServer.error(res, 429, "too_many_streams", "at most " + limits.maxStreams() + " event streams");
            return;
        }
        res.setChunked(true).putHeader("content-type", "text/event-stream").putHeader("cache-control", "no-cache");
        new Stream(ctx, vertx.getOrCreateContext()).start();
    }

    /** One client's stream. Its fields are touched only on {@code context}, where its writes complete too. */
    private final class Stream {
        private final RoutingContext ctx;
        private final HttpServerResponse res;
        private final Context context;
        private long queued;
        private long aboveSince = -1;
        private boolean ended;
        private AutoCloseable subscription;
        private long keepAlive;

        Stream(RoutingContext ctx, Context context) {
            this.ctx = ctx;
            this.res = ctx.response();
            this.context = context;
        }

        void start() {
            res.closeHandler(v -> context.runOnContext(x -> ended()));
            write(": connected\n\n");
            subscription = events.subscribe(ev -> context.runOnContext(v -> onEvent(ev)));
            keepAlive = vertx.setPeriodic(KEEP_ALIVE_MS, id -> context.runOnContext(v -> write(": keep-alive\n\n")));
        }

        private void onEvent(DaemonEvent ev) {
            try {
                write("event: " + ev.type() + "\ndata: " + Json.MAPPER.writeValueAsString(ev.data()) + "\n\n");
            } catch (JsonProcessingException e) {
                log.warn("cannot encode event {}", ev.type());
            }
        }

        /** Queues {@code text} unless the client is too far behind, in which case the stream is closed instead. */
        private void write(String text) {
            if (ended || res.ended() || res.closed()) return;
            long size = text.getBytes(StandardCharsets.UTF_8).length;
            if (queued + size > limits.maxQueuedBytes()) {
                slow("would hold more than " + limits.maxQueuedBytes() + " bytes");
                return;
            }
            queued += size;
            peakQueuedBytes.accumulateAndGet(queued, Math::max);
            res.write(text).onComplete(ar -> queued -= size);
            long now = System.nanoTime();
            if (queued <= limits.highWaterBytes()) {
                aboveSince = -1;
            } else if (aboveSince < 0) {
                aboveSince = now;
            } else if (now - aboveSince >= limits.grace().toNanos()) {
                slow("held more than " + limits.highWaterBytes() + " bytes for " + limits.grace().toMillis() + " ms");
            }
        }

        /** The client does not keep up: drop the connection (and what it holds); it reconnects and reads the inbox. */
        private void slow(String why) {
            if (ended) return;
            slowClosed.incrementAndGet();
            log.warn("closing an event stream whose client does not read: it {} ({} bytes unwritten); the client "
                    + "reconnects and reads the inbox", why, queued);
            ended();
            ctx.request().connection().close();
        }

        /** Stops following the bus, once (the connection closed, or we are closing it). */
        private void ended() {
            if (ended) return;
            ended = true;
            vertx.cancelTimer(keepAlive);
            open.decrementAndGet();
            if (subscription == null) return;
            try {
                subscription.close();
            } catch (Exception ignored) {
                // removing from a list cannot fail
            }
        }
    }
}
