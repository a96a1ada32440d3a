package dev.meshwire.coordinator;

import dev.meshwire.coordinator.admission.AdmissionLimits;
import dev.meshwire.coordinator.admission.ConnectionAdmission;
import dev.meshwire.coordinator.admission.DescriptorGuard;
import dev.meshwire.coordinator.http.NettyChannels;
import dev.meshwire.coordinator.authority.MeshAuthority;
import dev.meshwire.coordinator.authority.Membership;
import dev.meshwire.coordinator.grants.GrantAuthority;
import dev.meshwire.coordinator.groups.GroupAuthority;
import dev.meshwire.coordinator.groups.GroupPolicy;
import dev.meshwire.coordinator.topics.TopicAuthority;
import dev.meshwire.coordinator.topics.TopicPosts;
import dev.meshwire.coordinator.grants.GrantPolicy;
import dev.meshwire.coordinator.services.ServiceRegistry;
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
import dev.meshwire.coordinator.relay.ReceiptForwarder;
import dev.meshwire.coordinator.relay.Relay;
import dev.meshwire.coordinator.session.Session;
import dev.meshwire.coordinator.session.SessionSettings;
import dev.meshwire.coordinator.session.TextFrameValidation;
import dev.meshwire.coordinator.session.WriteCoalescing;
import dev.meshwire.coordinator.session.WebSocketEndpoint;
import dev.meshwire.coordinator.store.CoordinatorStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpConnection;
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
    private final WriteCoalescing writeCoalescing = new WriteCoalescing();
    private HttpServer healthServer;
    private HttpServer metricsServer;
    private ConnectionAdmission metricsAdmission;
    private ConnectionAdmission admission;
    private ConnectionAdmission healthAdmission;
    private DescriptorGuard guard;
    private WebSocketEndpoint endpoint;
    private QueueService queue;
    private TopicPosts topicPosts;

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
        PresenceRegistry presence = new PresenceRegistry(vertx, clock, config.presenceLease(), metrics);
        MeshLedger ledger = new MeshLedger(store, new EventPublisher(presence), metrics, clock);
        MeshAuthority authority = new MeshAuthority(ledger, clock);
        Moderation moderation = new Moderation(ledger, presence, metrics, clock);
        queue = new QueueService(vertx, store, config.queue(), metrics, clock);
        queue.receipts(new ReceiptForwarder(presence));
        GrantPolicy grants = new GrantPolicy(ledger, metrics, presence);
        queue.grants(grants);
        ServiceRegistry services = new ServiceRegistry(ledger, presence, metrics, clock);
        queue.services(services);
        queue.start();
        Relay relay = new Relay(queue, metrics, clock, presence, grants, services, new GroupPolicy(ledger), config.verifyEnvelopes());
        AdmissionLimits limits = config.admission();
        guard = DescriptorGuard.forThisProcess(metrics::acceptPaused);
        if (guard != null) guard.start();
        admission = ConnectionAdmission.main(vertx, limits, metrics);
        topicPosts = new TopicPosts(vertx, ledger, relay, queue, grants, config.topicHistory(), clock);
        topicPosts.start();
        endpoint = new WebSocketEndpoint(new Session.Deps(vertx, sessionSettings, authority, moderation, relay, presence, metrics, clock, queue,
                new SignalForwarder(presence, metrics), ledger, new StateSyncer(ledger, metrics, clock), new Membership(ledger),
                new GrantAuthority(ledger), services, new GroupAuthority(ledger), new TopicAuthority(ledger), topicPosts), admission);
        // Vert.x closes anything beyond this hard cap itself (1009); between maxFrameBytes and the cap
        // the session answers frame_too_large and keeps the connection, which is friendlier to debug.
        long hardCap = Math.min(Integer.MAX_VALUE - 1, config.maxFrameBytes() * 2 + 64 * 1024);
        HttpServerOptions options = hardened(new HttpServerOptions(), limits.maxUnauthenticated())
                .setHost(config.listenHost())
                .setPort(config.listenPort())
                .setMaxWebSocketFrameSize((int) hardCap)
                .setMaxWebSocketMessageSize((int) hardCap);
        server = vertx.createHttpServer(options)
                .connectionHandler(conn -> {
                    watch(conn);
                    TextFrameValidation.install(conn);
                    writeCoalescing.install(conn);
                    admission.onConnection(conn);
                })
                .requestHandler(admission.timing(
                        HttpApi.router(vertx, httpSettings, endpoint, new MeshRegistration(store, metrics, clock), ledger, store, metrics)));
        admission.start();
        Future<?> started = server.listen();
        if (limits.healthHost() != null) {
            healthAdmission = ConnectionAdmission.health(vertx, limits, metrics);
            healthServer = vertx.createHttpServer(hardened(new HttpServerOptions(), limits.healthMaxConnections()).setHost(limits.healthHost()).setPort(limits.healthPort()))
                    .connectionHandler(conn -> {
                        watch(conn);
                        healthAdmission.onConnection(conn);
                    })
                    .requestHandler(healthAdmission.timing(HttpApi.healthRouter(vertx, store, metrics, config.metrics())));
            healthAdmission.start();
            started = started.compose(ok -> listen(healthServer, "health", limits.healthHost(), limits.healthPort()));
        }
        if (config.metrics().separateListener()) {
            String host = config.metrics().listenHost();
            int port = config.metrics().listenPort();
            metricsAdmission = ConnectionAdmission.metrics(vertx, limits, metrics);
            metricsServer = vertx.createHttpServer(hardened(new HttpServerOptions(), limits.healthMaxConnections()).setHost(host).setPort(port))
                    .connectionHandler(conn -> {
                        watch(conn);
                        metricsAdmission.onConnection(conn);
                    })
                    .requestHandler(metricsAdmission.timing(HttpApi.metricsRouter(vertx, metrics, config.metrics())));
            metricsAdmission.start();
            started = started.compose(ok -> listen(metricsServer, "metrics", host, port));
        }
        return started;
    }

    /** Binds an extra listener; a failure is a start failure naming the listener. */
    private static Future<HttpServer> listen(HttpServer s, String what, String host, int port) {
        return s.listen().recover(e -> Future.failedFuture(new CoordinatorStartException(
                what + " listener: cannot listen on " + host + ":" + port + ": " + e.getMessage(), e)));
    }

    private void watch(HttpConnection conn) {
        if (guard != null) guard.watch(NettyChannels.of(conn));
    }

    /**
     * Settings both listeners share. HTTP/1.1 only: with h2c on, Vert.x waits for the first bytes to tell HTTP/2
     * from HTTP/1 before it reports the connection, so a silent socket would escape admission. No WebSocket
     * compression: it costs a zlib context per connection, decompresses past the frame cap, and without any
     * extension Netty refuses frames with reserved bits (1002). A close handshake waits at most 2 s for the
     * peer's answer, so a client that never answers does not hold its descriptor for Vert.x's default 10 s.
     * The kernel's accept queue is as long as the unauthenticated budget: Netty's acceptor takes every queued
     * connection at once, before admission can refuse any, so a longer queue (the system's default is 4096) lets a
     * flood exhaust the descriptors in one burst, and Netty then stops accepting for a second at a time.
     */
    private static HttpServerOptions hardened(HttpServerOptions o, int acceptBacklog) {
        return o.setAcceptBacklog(acceptBacklog)
                .setHttp2ClearTextEnabled(false)
                .setPerFrameWebSocketCompressionSupported(false)
                .setPerMessageWebSocketCompressionSupported(false)
                .setWebSocketClosingTimeout(2);
    }

    QueueService queue() {
        return queue;
    }

    int port() {
        return server.actualPort();
    }

    /** The health listener's bound port, or -1 when there is none. */
    int healthPort() {
        return healthServer == null ? -1 : healthServer.actualPort();
    }

    /** The metrics listener's bound port, or -1 when there is none. */
    int metricsPort() {
        return metricsServer == null ? -1 : metricsServer.actualPort();
    }

    @Override
    public Future<?> stop() {
        writeCoalescing.stop(); // first: a close whose flush is deferred to a task the stopping loop never runs never closes
        if (endpoint != null) endpoint.closeAll((short) 1001, "coordinator shutting down");
        if (queue != null) queue.stop();
        if (topicPosts != null) topicPosts.stop();
        if (admission != null) admission.stop();
        if (guard != null) guard.stop();
        if (healthAdmission != null) healthAdmission.stop();
        if (metricsAdmission != null) metricsAdmission.stop();
        Future<Void> health = healthServer == null ? Future.succeededFuture() : healthServer.close();
        Future<Void> metricsClosed = metricsServer == null ? Future.succeededFuture() : metricsServer.close();
        return server == null ? Future.all(health, metricsClosed) : Future.all(health, metricsClosed, server.close());
    }
}
