package dev.meshwire.cli;

import dev.meshwire.coordinator.metrics.MetricsEndpoint;
import dev.meshwire.peer.PeerException;
import dev.meshwire.turn.TurnConfig;
import dev.meshwire.turn.TurnServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code meshwire turn}: meshwire's STUN/TURN server on its own, in the foreground until SIGINT/SIGTERM, for operators
 * who put TURN on another host than the coordinator. The coordinator then hands it out with {@code --turn-url} and the
 * same secret in {@code --turn-secret-file}.
 */
@Command(name = "turn", description = "Run a STUN/TURN server in the foreground (TURN on its own host; see docs/turn.md).")
final class TurnCommand extends Verb {
    @Option(names = "--listen", defaultValue = "0.0.0.0:3478", paramLabel = "HOST:PORT",
            description = "UDP and TCP address of STUN and TURN")
    String listen;
    @Option(names = "--secret-file", required = true, paramLabel = "FILE",
            description = "the TURN REST API shared secret, mode 0600 (the coordinator's --turn-secret-file holds the same)")
    Path secretFile;
    @Option(names = "--metrics-listen", paramLabel = "HOST:PORT", description = "serve Prometheus /metrics here")
    String metricsListen;
    @Option(names = "--metrics-token-file", paramLabel = "FILE",
            description = "file (0600) holding a token; /metrics then answers only 'Authorization: Bearer <token>'")
    Path metricsTokenFile;
    @Mixin
    LogOptions log;
    @Mixin
    TurnOptions turn;

    @Override
    public Integer call() throws Exception {
        log.apply();
        HostPort at = HostPort.parse("--listen", listen);
        HostPort metricsAt = metricsListen == null ? null : HostPort.parse("--metrics-listen", metricsListen);
        String secret = SecretFile.read("--secret-file", secretFile);
        if (metricsTokenFile != null && metricsAt == null) {
            throw new PeerException(PeerException.BAD_REQUEST, "--metrics-token-file protects --metrics-listen; give both");
        }
        String metricsToken = metricsTokenFile == null ? null : SecretFile.read("--metrics-token-file", metricsTokenFile);
        TurnConfig config;
        try {
            config = turn.apply(TurnConfig.defaults()).toBuilder().listen(at.host(), at.port()).secret(secret).build();
        } catch (IllegalArgumentException e) {
            throw new PeerException(PeerException.BAD_REQUEST, e.getMessage());
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        TurnServer server;
        try {
            server = TurnServer.start(config, registry);
        } catch (IOException e) {
            registry.close();
            throw new PeerException(PeerException.INTERNAL, "turn server did not start: " + e.getMessage());
        }
        Vertx vertx = null;
        int metricsPort = -1;
        if (metricsAt != null) {
            vertx = Vertx.vertx();
            Router router = Router.router(vertx);
            router.get("/metrics").handler(MetricsEndpoint.handler(registry::scrape, metricsToken));
            try {
                HttpServer http = vertx.createHttpServer().requestHandler(router).listen(metricsAt.port(), metricsAt.host())
                        .await(30, TimeUnit.SECONDS);
                metricsPort = http.actualPort();
            } catch (Exception e) {
                server.close();
                vertx.close().await(10, TimeUnit.SECONDS);
                registry.close();
                throw new PeerException(PeerException.INTERNAL, "cannot serve metrics on " + metricsAt + ": " + e.getMessage());
            }
        }
        CountDownLatch stop = new CountDownLatch(1);
        Vertx http = vertx;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close(); // releases every allocation and relay port
            if (http != null) {
                try {
                    http.close().await(10, TimeUnit.SECONDS);
                } catch (Exception ignored) {
                    // stopping anyway
                }
            }
            registry.close();
            stop.countDown();
        }, "turn-stop"));
        out().println(listeningLine(at.host(), server, metricsAt, metricsPort));
        out().flush();
        stop.await();
        return ExitCodes.OK;
    }

    /** {@code turn listening: udp+tcp 0.0.0.0:3478 (tls 0.0.0.0:5349), metrics http://127.0.0.1:9641/metrics}. */
    static String listeningLine(String host, TurnServer server, HostPort metricsAt, int metricsPort) {
        StringBuilder line = new StringBuilder("turn listening: udp+tcp ").append(new HostPort(host, server.port()));
        if (server.tlsPort() >= 0) line.append(" (tls ").append(new HostPort(host, server.tlsPort())).append(')');
        if (metricsAt != null) line.append(", metrics http://").append(new HostPort(metricsAt.host(), metricsPort)).append("/metrics");
        return line.toString();
    }
}
