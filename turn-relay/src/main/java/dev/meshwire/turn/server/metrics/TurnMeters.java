package dev.meshwire.turn.server.metrics;

import dev.meshwire.turn.TurnStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The server's counters. The hot-path counters are plain fields written only by the event loop (no atomic on every
 * relayed packet); Micrometer reads them through functions, which may see a value a few packets old, which is fine for
 * a scrape. {@link TurnStats} snapshots are taken on the event loop by the server, so they are exact.
 */
public final class TurnMeters {
    private final MeterRegistry registry;

    public long allocations;
    public long permissions;
    public long channels;
    public long tcpConnections;
    public long allocationsTotal;
    public long packetsToPeers;
    public long bytesToPeers;
    public long packetsFromPeers;
    public long bytesFromPeers;
    private final Map<String, AtomicLong> refusals = new ConcurrentHashMap<>();
    private final AtomicLong internalErrors = new AtomicLong();

    public TurnMeters(MeterRegistry registry) {
        this.registry = registry;
        if (registry == null) return;
        Gauge.builder("meshwire_turn_allocations_active", this, m -> m.allocations).description("TURN allocations alive").register(registry);
        Gauge.builder("meshwire_turn_permissions", this, m -> m.permissions).description("TURN permissions alive").register(registry);
        Gauge.builder("meshwire_turn_channels", this, m -> m.channels).description("TURN channel bindings alive").register(registry);
        Gauge.builder("meshwire_turn_tcp_connections", this, m -> m.tcpConnections).description("TURN client TCP/TLS connections open").register(registry);
        FunctionCounter.builder("meshwire_turn_allocations_total", this, m -> m.allocationsTotal).description("TURN allocations made").register(registry);
        FunctionCounter.builder("meshwire_turn_relayed_packets_total", this, m -> m.packetsToPeers).tag("direction", "to_peer").register(registry);
        FunctionCounter.builder("meshwire_turn_relayed_packets_total", this, m -> m.packetsFromPeers).tag("direction", "from_peer").register(registry);
        FunctionCounter.builder("meshwire_turn_relayed_bytes_total", this, m -> m.bytesToPeers).tag("direction", "to_peer").register(registry);
        FunctionCounter.builder("meshwire_turn_relayed_bytes_total", this, m -> m.bytesFromPeers).tag("direction", "from_peer").register(registry);
        FunctionCounter.builder("meshwire_turn_internal_errors_total", internalErrors, AtomicLong::get).register(registry);
    }

    /** Counts one refusal or drop for {@code reason} (a short snake_case label). */
    public void refused(String reason) {
        AtomicLong c = refusals.get(reason);
        if (c == null) {
            c = refusals.computeIfAbsent(reason, r -> {
                AtomicLong n = new AtomicLong();
                if (registry != null) {
                    FunctionCounter.builder("meshwire_turn_refusals_total", n, AtomicLong::get).tag("reason", r)
                            .description("TURN requests refused and packets dropped, by reason").register(registry);
                }
                return n;
            });
        }
        c.incrementAndGet();
    }

    public void internalError() {
        internalErrors.incrementAndGet();
    }

    public long internalErrors() {
        return internalErrors.get();
    }

    public TurnStats snapshot() {
        Map<String, Long> r = new TreeMap<>();
        refusals.forEach((k, v) -> r.put(k, v.get()));
        return new TurnStats(allocations, permissions, channels, tcpConnections, packetsToPeers, bytesToPeers,
                packetsFromPeers, bytesFromPeers, allocationsTotal, r, internalErrors.get());
    }
}
