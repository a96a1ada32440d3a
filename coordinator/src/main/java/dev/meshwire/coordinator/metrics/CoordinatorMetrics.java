package dev.meshwire.coordinator.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Set;
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

    public CoordinatorMetrics(Set<String> knownFrameTypes) {
        this.knownTypes = Set.copyOf(knownFrameTypes);
        Gauge.builder("meshwire_connections", connections, AtomicInteger::get)
                .description("open peer WebSocket connections").register(registry);
        Gauge.builder("meshwire_sessions_authenticated", authenticated, AtomicInteger::get)
                .description("authenticated peer sessions").register(registry);
        relayed = Counter.builder("meshwire_relayed_messages").description("envelopes relayed to an online recipient").register(registry);
        clientAcks = Counter.builder("meshwire_client_acks").description("client_ack frames received").register(registry);
    }

    private String typeTag(String type) {
        return type != null && knownTypes.contains(type) ? type : "other";
    }

    public void frameIn(String type) {
        registry.counter("meshwire_frames_in", "type", typeTag(type)).increment();
    }

    public void frameOut(String type) {
        registry.counter("meshwire_frames_out", "type", typeTag(type)).increment();
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

    public void connectionOpened() {
        connections.incrementAndGet();
    }

    public void connectionClosed() {
        connections.decrementAndGet();
    }

    public void authenticated(int delta) {
        authenticated.addAndGet(delta);
    }

    /** Prometheus text exposition format. */
    public String scrape() {
        return registry.scrape();
    }

    public void close() {
        registry.close();
    }
}
