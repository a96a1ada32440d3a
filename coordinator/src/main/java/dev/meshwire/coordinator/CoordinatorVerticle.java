package dev.meshwire.coordinator;

import dev.meshwire.coordinator.authority.MeshAuthority;
import dev.meshwire.coordinator.authority.Membership;
import dev.meshwire.coordinator.meshstate.EventPublisher;
import dev.meshwire.coordinator.meshstate.MeshLedger;
import dev.meshwire.coordinator.meshstate.StateSyncer;
import dev.meshwire.coordinator.authority.MeshRegistration;
import dev.meshwire.coordinator.authority.Moderation;
import dev.meshwire.coordinator.http.HttpApi;
import dev.meshwire.coordinator.metrics.CoordinatorMetrics;
import dev.meshwire.coordinator.p2p.SignalForwarder;
import dev.meshwire.coordinator.presence.PresenceRegistry;
import dev.meshwire.coordinator.queue.QueueService;
import dev.meshwire.coordinator.relay.Relay;
import dev.meshwire.coordinator.session.Session;
import dev.meshwire.coordinator.session.SessionSettings;
import dev.meshwire.coordinator.session.WebSocketEndpoint;
import dev.meshwire.coordinator.store.CoordinatorStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.time.Clock;

/**
 * Runs the whole coordinator on one event-loop context: sessions, presence and relay share state
 * without locks, and store results come back to the same context. One core handles the signaling
 * load of many thousand peers; scaling out is a cluster of coordinators (later issue), not threads.
 */
final class CoordinatorVerticle extends VerticleBase {
    private final CoordinatorConfig config;
    private final CoordinatorStore store;
    private final CoordinatorMetrics metrics;
    private final SessionSettings sessionSettings;
    private final HttpApi.Settings httpSettings;
    private HttpServer server;
    private WebSocketEndpoint endpoint;
    private QueueService queue;

    CoordinatorVerticle(CoordinatorConfig config, CoordinatorStore store, CoordinatorMetrics metrics,
                        SessionSettings sessionSettings, HttpApi.Settings httpSettings) {
        this.config = config;
        this.store = store;
        this.metrics = metrics;
        this.sessionSettings = sessionSettings;
        this.httpSettings = httpSettings;
    }

    @Override
    public Future<?> start() {
        Clock clock = Clock.systemUTC();
        PresenceRegistry presence = new PresenceRegistry();
        MeshLedger ledger = new MeshLedger(store, new EventPublisher(presence), metrics, clock);
        MeshAuthority authority = new MeshAuthority(ledger, clock);
        Moderation moderation = new Moderation(ledger, presence, metrics, clock);
        queue = new QueueService(vertx, store, config.queue(), metrics, clock);
        queue.start();
        Relay relay = new Relay(queue, metrics, clock);
        endpoint = new WebSocketEndpoint(new Session.Deps(vertx, sessionSettings, authority, moderation, relay, presence, metrics, clock, queue,
                new SignalForwarder(presence, metrics), ledger, new StateSyncer(ledger, metrics, clock), new Membership(ledger)));
        // Vert.x closes anything beyond this hard cap itself (1009); between maxFrameBytes and the cap
        // the session answers frame_too_large and keeps the connection, which is friendlier to debug.
        long hardCap = Math.min(Integer.MAX_VALUE - 1, config.maxFrameBytes() * 2 + 64 * 1024);
        HttpServerOptions options = new HttpServerOptions()
                .setHost(config.listenHost())
                .setPort(config.listenPort())
                .setMaxWebSocketFrameSize((int) hardCap)
                .setMaxWebSocketMessageSize((int) hardCap);
        server = vertx.createHttpServer(options)
                .requestHandler(HttpApi.router(vertx, httpSettings, endpoint, new MeshRegistration(store, metrics, clock), ledger, store, metrics));
        return server.listen();
    }

    QueueService queue() {
        return queue;
    }

    int port() {
        return server.actualPort();
    }

    @Override
    public Future<?> stop() {
        if (endpoint != null) endpoint.closeAll((short) 1001, "coordinator shutting down");
        if (queue != null) queue.stop();
        return server == null ? Future.succeededFuture() : server.close();
    }
}
