package dev.meshwire.livekit.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.meshwire.peer.ipc.api.SidecarReport;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The side-car's Prometheus metrics (docs/livekit.md "Status and metrics"): {@code GET /metrics} on the given address
 * (127.0.0.1 unless told otherwise), answering only a request with {@code Authorization: Bearer <token>} (401 otherwise,
 * 404 for other paths). The values are read from the bridge's current {@link SidecarReport} at each scrape, so the
 * counters are the bridge's own (since the side-car started) and nothing is counted twice.
 */
public final class MetricsEndpoint implements AutoCloseable {
    private final HttpServer server;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final byte[] token;

    /**
     * @param report read at every scrape (one call per scrape, shared by every meter)
     */
    public MetricsEndpoint(InetSocketAddress at, String token, Supplier<SidecarReport> report, Tags tags) throws IOException {
        this.token = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
        Snapshot snap = new Snapshot(report);
        counter("meshwire_livekit_packets_to_room", "packets the side-car sent into the room", snap, SidecarReport::packetsToRoom, tags);
        counter("meshwire_livekit_bytes_to_room", "payload bytes the side-car sent into the room", snap, SidecarReport::bytesToRoom, tags);
        counter("meshwire_livekit_packets_from_room", "packets the side-car received from the room", snap, SidecarReport::packetsFromRoom, tags);
        counter("meshwire_livekit_bytes_from_room", "payload bytes the side-car received from the room", snap, SidecarReport::bytesFromRoom, tags);
        counter("meshwire_livekit_room_to_mesh", "room packets delivered into the mesh", snap, SidecarReport::roomToMesh, tags);
        counter("meshwire_livekit_mesh_to_room", "mesh messages the room accepted", snap, SidecarReport::meshToRoom, tags);
        counter("meshwire_livekit_refused", "mesh messages answered as undeliverable", snap, SidecarReport::refused, tags);
        counter("meshwire_livekit_dropped", "room packets the mesh refused", snap, SidecarReport::dropped, tags);
        counter("meshwire_livekit_duplicates", "room packets the mesh had already (replays)", snap, SidecarReport::duplicates, tags);
        counter("meshwire_livekit_reconnects", "re-joins of the room", snap, SidecarReport::reconnects, tags);
        gauge("meshwire_livekit_queue_to_mesh", "room packets waiting for the mesh", snap, SidecarReport::queueToMesh, tags);
        gauge("meshwire_livekit_queue_to_room", "mesh messages waiting in the service inbox", snap, SidecarReport::queueToRoom, tags);
        gauge("meshwire_livekit_participants", "other participants in the room", snap, SidecarReport::participants, tags);
        gauge("meshwire_livekit_connected", "1 while the room is joined, 0 while re-joining", snap, r -> r.connected() ? 1 : 0, tags);
        server = HttpServer.create(at, 16);
        server.createContext("/", this::serve);
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "livekit-sidecar-metrics");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    /** The bound port (the address may have asked for 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    private void counter(String name, String help, Snapshot s, ToDoubleFunction<SidecarReport> f, Tags tags) {
        FunctionCounter.builder(name, s, x -> f.applyAsDouble(x.get())).description(help).tags(tags).register(registry);
    }

    private void gauge(String name, String help, Snapshot s, ToDoubleFunction<SidecarReport> f, Tags tags) {
        Gauge.builder(name, s, x -> f.applyAsDouble(x.get())).description(help).tags(tags).register(registry);
    }

    private void serve(HttpExchange ex) throws IOException {
        try (ex) {
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            if (auth == null || !MessageDigest.isEqual(token, auth.getBytes(StandardCharsets.UTF_8))) {
                reply(ex, 401, "unauthorized: send Authorization: Bearer <the metrics token>\n");
                return;
            }
            if (!"GET".equals(ex.getRequestMethod()) || !"/metrics".equals(ex.getRequestURI().getPath())) {
                reply(ex, 404, "not found: GET /metrics\n");
                return;
            }
            reply(ex, 200, registry.scrape());
        }
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", status == 200 ? "text/plain; version=0.0.4; charset=utf-8" : "text/plain; charset=utf-8");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream o = ex.getResponseBody()) {
            o.write(b);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        registry.close();
    }

    /** One report per scrape: the meters of a scrape all read the same one (taken when the first meter asks). */
    private static final class Snapshot {
        private final Supplier<SidecarReport> source;
        private SidecarReport last;
        private long at;

        Snapshot(Supplier<SidecarReport> source) {
            this.source = source;
        }

        synchronized SidecarReport get() {
            long now = System.nanoTime();
            if (last == null || now - at > 500_000_000L) {
                last = source.get();
                at = now;
            }
            return last;
        }
    }
}
