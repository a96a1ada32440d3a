package dev.meshwire.coordinator.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The coordinator's Prometheus metrics. Tag values come only from closed sets (known frame types,
 * {@code ErrorCode} values, close codes) so a hostile client cannot blow up label cardinality.
 */
public final class CoordinatorMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger authenticated = new AtomicInteger();
    private final Counter relayed;
    private final Counter clientAcks;
    private final Set<String> knownTypes;
    private final AtomicLong queueDepth = new AtomicLong();
    private final Counter queueAccepted;
    private final Counter queueDuplicates;
    private final Counter queueDelivered;
    private final Counter queueRedelivered;
    private final Counter queueExpired;
    private final Counter queueClaims;
    private final Counter queueSweeps;
    private final Timer ackLatency;
    private final AtomicLong outboundQueuedBytes = new AtomicLong();
    private final Counter slowConsumerCloses;

    public CoordinatorMetrics(Set<String> knownFrameTypes) {
        this.knownTypes = Set.copyOf(knownFrameTypes);
        Gauge.builder("meshwire_connections", connections, AtomicInteger::get)
                .description("open peer WebSocket connections").register(registry);
        Gauge.builder("meshwire_sessions_authenticated", authenticated, AtomicInteger::get)
                .description("authenticated peer sessions").register(registry);
        relayed = Counter.builder("meshwire_relayed_messages").description("deliver pushes to a recipient connection (first deliveries and redeliveries)").register(registry);
        clientAcks = Counter.builder("meshwire_client_acks").description("client_ack frames received").register(registry);
        Gauge.builder("meshwire_queue_depth", queueDepth, AtomicLong::get)
                .description("undelivered rows in the durable queue (sampled by the sweeper)").register(registry);
        queueAccepted = Counter.builder("meshwire_queue_accepted").description("sends committed to the durable queue").register(registry);
        queueDuplicates = Counter.builder("meshwire_queue_duplicates").description("sends answered with the original acceptance (dedupe hit)").register(registry);
        queueDelivered = Counter.builder("meshwire_queue_delivered").description("queued rows marked delivered by a client_ack").register(registry);
        queueRedelivered = Counter.builder("meshwire_queue_redelivered").description("deliver pushes of a row claimed before (lease expired or reconnect)").register(registry);
        queueExpired = Counter.builder("meshwire_queue_expired").description("undelivered rows deleted at their expiry").register(registry);
        queueClaims = Counter.builder("meshwire_queue_claims").description("claim statements run by delivery pumps (each one store transaction)").register(registry);
        queueSweeps = Counter.builder("meshwire_queue_sweeps").description("sweeper passes completed").register(registry);
        ackLatency = Timer.builder("meshwire_queue_ack_latency").description("time from a deliver push to its client_ack")
                .publishPercentiles(0.5, 0.99).minimumExpectedValue(Duration.ofNanos(10_000)).maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry);
        Gauge.builder("meshwire_outbound_queued_bytes", outboundQueuedBytes, AtomicLong::get)
                .description("outbound bytes written to peer connections and not yet taken by their sockets").register(registry);
        // Heap and direct-buffer use: what an operator (and the slow-reader test) watches under a flood.
        new JvmMemoryMetrics().bindTo(registry);
        slowConsumerCloses = Counter.builder("meshwire_slow_consumer_closes")
                .description("connections closed with 4008 because they did not read what was sent to them").register(registry);
    }

    private String typeTag(String type) {
        return type != null && knownTypes.contains(type) ? type : "other";
    }

    /**
     * The per-type frame counters, looked up once per type: a registry lookup (tags sorted, an id built, a map probed)
     * for each of the five frames of every relayed message showed on the event loop. Bounded by {@link #typeTag}.
     */
    private final Map<String, Counter> framesIn = new ConcurrentHashMap<>();
    private final Map<String, Counter> framesOut = new ConcurrentHashMap<>();

    public void frameIn(String type) {
        framesIn.computeIfAbsent(typeTag(type), t -> registry.counter("meshwire_frames_in", "type", t)).increment();
    }

    public void frameOut(String type) {
        framesOut.computeIfAbsent(typeTag(type), t -> registry.counter("meshwire_frames_out", "type", t)).increment();
    }

    public void error(String code) {
        registry.counter("meshwire_errors", "code", code).increment();
    }

    public void closed(int code) {
        registry.counter("meshwire_closes", "code", Integer.toString(code)).increment();
    }

    public void relayed() {
        relayed.increment();
    }

    public void clientAck() {
        clientAcks.increment();
    }

    public void queueAccepted() {
        queueAccepted.increment();
    }

    public void queueDuplicate() {
        queueDuplicates.increment();
    }

    public void queueDelivered(int n) {
        if (n > 0) queueDelivered.increment(n);
    }

    public void queueRedelivered() {
        queueRedelivered.increment();
    }

    public void queueExpired(int n) {
        if (n > 0) queueExpired.increment(n);
    }

    /** A delivery pump ran one claim statement. */
    public void queueClaim() {
        queueClaims.increment();
    }

    /** A sweeper pass completed. */
    public void queueSweep() {
        queueSweeps.increment();
    }

    public void queueDepth(long depth) {
        if (depth >= 0) queueDepth.set(depth);
    }

    /** One committed mesh event ({@code meshwire_mesh_events_total{kind}}); kinds come from the coordinator's own events. */
    public void meshEvent(String kind) {
        registry.counter("meshwire_mesh_events", "kind", kind).increment();
    }

    /** Undelivered queue rows deleted by a ban or revocation ({@code meshwire_queue_dropped_total{reason}}). */
    public void queueDropped(String reason, int n) {
        if (n > 0) registry.counter("meshwire_queue_dropped", "reason", reason).increment(n);
    }

    /** An envelope dropped because the recipient's grants refuse its sender ({@code meshwire_grant_dropped_total{path=relay|queue}}). */
    public void grantDropped(String path) {
        registry.counter("meshwire_grant_dropped", "path", path).increment();
    }

    /**
     * An envelope refused because its recipient is a service whose read scopes do not cover the channel
     * ({@code meshwire_service_scope_refused_total{path=relay|queue}}): at {@code send} the sender gets {@code forbidden};
     * on the queue the row is dropped at claim (the service was re-registered with fewer scopes).
     */
    public void serviceScopeRefused(String path) {
        registry.counter("meshwire_service_scope_refused", "path", path).increment();
    }

    /** A mesh_sync answered ({@code meshwire_state_syncs_total{mode=events|snapshot}}). */
    public void stateSync(String mode) {
        registry.counter("meshwire_state_syncs", "mode", mode).increment();
    }

    /** Outbound bytes queued (+) or taken by a socket (-), summed over all connections. */
    public void outboundQueued(long delta) {
        outboundQueuedBytes.addAndGet(delta);
    }

    /** A lossy frame not written because its connection was above the high-water mark. */
    public void outboundDropped(String type) {
        registry.counter("meshwire_outbound_dropped", "type", typeTag(type)).increment();
    }

    public void slowConsumerClosed() {
        slowConsumerCloses.increment();
    }

    /** A signalling frame refused by a rate limit; {@code scope} is {@code member} or {@code pair}. */
    public void signalRateLimited(String scope) {
        registry.counter("meshwire_signal_rate_limited", "scope", scope).increment();
    }

    /** {@code meshwire_presence_held}: members whose connection was lost and whose presence is held within its lease. */
    public void presenceHeldGauge(java.util.function.Supplier<Number> held) {
        Gauge.builder("meshwire_presence_held", held).description("members held present within their lease after a lost connection")
                .register(registry);
    }

    /** {@code meshwire_presence_resumes_total}: held presences continued by a hello with a valid resume token. */
    public void presenceResumed() {
        registry.counter("meshwire_presence_resumes").increment();
    }

    /**
     * {@code meshwire_presence_evictions_total{reason}}: held presences ended with a {@code peer_left}: {@code lease_expired},
     * {@code restarted} (a hello without a valid token took it), {@code kicked}, {@code banned}, {@code revoked}.
     */
    public void presenceEnded(String reason) {
        registry.counter("meshwire_presence_evictions", "reason", reason).increment();
    }

    /** {@code meshwire_sessions_replaced_total{token}}: online connections closed with 4004 for a newer one ({@code valid}: it resumed). */
    public void sessionReplaced(boolean withToken) {
        registry.counter("meshwire_sessions_replaced", "token", withToken ? "valid" : "none").increment();
    }

    /** {@code meshwire_resume_tokens_rejected_total{reason}}: hellos whose resume token did not verify (treated as fresh hellos). */
    public void resumeRejected(String reason) {
        registry.counter("meshwire_resume_tokens_rejected", "reason", reason).increment();
    }

    /** A configured limit, shown as {@code meshwire_limit{name}} so operators see what is in force. */
    public void limit(String name, double value) {
        Gauge.builder("meshwire_limit", () -> value).tag("name", name).description("configured coordinator limits").register(registry);
    }

    /**
     * Counts a connection closed by admission control ({@code meshwire_connections_refused_total{listener,reason}}):
     * {@code per_address} or {@code total} (the newcomer refused), {@code evicted} (an older one closed to make room).
     */
    public Runnable connectionRefusedCounter(String listener, String reason) {
        Counter c = registry.counter("meshwire_connections_refused", "listener", listener, "reason", reason);
        return c::increment;
    }

    /** {@code meshwire_accept_paused_total}: times the listeners stopped accepting near the descriptor limit. */
    public void acceptPaused() {
        registry.counter("meshwire_accept_paused").increment();
    }

    /** A connection closed at a deadline ({@code meshwire_connections_timed_out_total{listener,phase=request|idle|auth}}). */
    public void connectionTimedOut(String listener, String phase) {
        registry.counter("meshwire_connections_timed_out", "listener", listener, "phase", phase).increment();
    }

    /** {@code meshwire_connections_unauthenticated{listener}}: connections not (yet) authenticated, held now. */
    public void unauthenticatedGauge(String listener, java.util.function.Supplier<Number> held) {
        Gauge.builder("meshwire_connections_unauthenticated", held).tag("listener", listener)
                .description("connections before hello/join is accepted, and plain HTTP connections").register(registry);
    }

    /** Counter value by name and one tag (tests). */
    public double count(String name, String tag, String value) {
        Counter c = registry.find(name).tag(tag, value).counter();
        return c == null ? 0 : c.count();
    }

    public void ackLatency(long nanos) {
        ackLatency.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Counter value by name (tests, benchmark). */
    public double count(String name) {
        Counter c = registry.find(name).counter();
        return c == null ? 0 : c.count();
    }

    public void connectionOpened() {
        connections.incrementAndGet();
    }

    public void connectionClosed() {
        connections.decrementAndGet();
    }

    public void authenticated(int delta) {
        authenticated.addAndGet(delta);
    }

    /** The registry behind {@link #scrape()}: other parts of the process (the embedded TURN server) add their meters here. */
    public io.micrometer.core.instrument.MeterRegistry registry() {
        return registry;
    }

    /** Prometheus text exposition format. */
    public String scrape() {
        return registry.scrape();
    }

    public void close() {
        registry.close();
    }
}
