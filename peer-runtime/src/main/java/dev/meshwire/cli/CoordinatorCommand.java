package dev.meshwire.cli;

import dev.meshwire.coordinator.Coordinator;
import dev.meshwire.coordinator.CoordinatorConfig;
import dev.meshwire.coordinator.CoordinatorStartException;
import dev.meshwire.coordinator.flow.FlowLimits;
import dev.meshwire.peer.ByteSize;
import dev.meshwire.coordinator.admission.AdmissionLimits;
import dev.meshwire.peer.PeerException;
import dev.meshwire.coordinator.ice.IceSettings;
import dev.meshwire.coordinator.ice.TurnSettings;
import dev.meshwire.turn.TurnConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code meshwire coordinator}: runs a coordinator in the foreground until SIGINT/SIGTERM. */
@Command(name = "coordinator", description = "Run a coordinator in the foreground.")
final class CoordinatorCommand extends Verb {
    @Option(names = "--listen", defaultValue = "0.0.0.0:7600", paramLabel = "HOST:PORT", description = "address for WebSocket, HTTP API and metrics") String listen;
    @Option(names = "--data", defaultValue = "meshwire-data", paramLabel = "DIR", description = "state directory (SQLite database, admin token, TURN secret)") Path data;
    @Option(names = "--db", paramLabel = "URL", description = "database URL (default: SQLite under --data)") String db;
    @Option(names = "--public-url", paramLabel = "URL", defaultValue = "${env:MESHWIRE_PUBLIC_URL}",
            description = "ws(s):// URL peers use (put into invites; default: env MESHWIRE_PUBLIC_URL, else ws://<listen host>:<port>)")
    String publicUrl;
    @Option(names = "--open-registration", description = "anyone may create meshes without the admin token") boolean open;
    @Option(names = {"--turn-port", "--stun-port"}, defaultValue = "3478", paramLabel = "N",
            description = "UDP and TCP port of the embedded STUN/TURN server (--stun-port is the old name)")
    int turnPort;
    @Option(names = "--no-stun", description = "run no embedded STUN/TURN server at all")
    boolean noStun;
    @Option(names = "--no-turn", description = "the embedded server answers STUN only; no TURN is handed out")
    boolean noTurn;
    @Option(names = "--turn-transports", paramLabel = "LIST", split = ",",
            description = "which transports of the embedded TURN server peers get URLs for: udp, tcp, tls (default: udp, tcp, and tls with --turn-tls-port)")
    List<String> turnTransports = new ArrayList<>();
    @Mixin
    TurnOptions turnServer;
    @Option(names = "--max-frame-bytes", defaultValue = "1048576", paramLabel = "N", description = "largest WebSocket frame accepted, in bytes") long maxFrame;
    @Option(names = "--turn-url", paramLabel = "URL",
            description = "hand out this external TURN server (e.g. coturn) instead of the embedded one (repeatable), e.g. turn:host:3478?transport=udp")
    List<String> turnUrls = new ArrayList<>();
    @Option(names = "--turn-secret-file", paramLabel = "FILE",
            description = "file (0600) holding the external TURN server's REST API shared secret (coturn static-auth-secret); env MESHWIRE_TURN_SECRET also works")
    Path turnSecretFile;
    @Option(names = "--turn-ttl", defaultValue = "12h", paramLabel = "DURATION", description = "lifetime of issued TURN credentials")
    String turnTtl;
    @Option(names = "--outbound-high-water", defaultValue = "4MiB", paramLabel = "BYTES",
            description = "per-connection outbound bytes above which signalling is dropped and deliveries wait")
    String highWater;
    @Option(names = "--outbound-high-water-frames", defaultValue = "4096", paramLabel = "N",
            description = "the same mark counted in frames")
    int highWaterFrames;
    @Option(names = "--outbound-hard-cap", paramLabel = "BYTES",
            description = "per-connection outbound bytes at which the connection is closed with 4008 (default 4x the high-water mark)")
    String hardCap;
    @Option(names = "--slow-consumer-grace", defaultValue = "10s", paramLabel = "DURATION",
            description = "how long a connection may stay above the high-water mark before it is closed with 4008")
    String grace;
    @Option(names = "--send-rate", defaultValue = "5000/s", paramLabel = "N/s",
            description = "relayed sends per second per connection (token bucket), 0 disables")
    String sendRate;
    @Option(names = "--send-burst", defaultValue = "20000", paramLabel = "N", description = "relayed sends burst per connection")
    long sendBurst;
    @Option(names = "--signal-rate", defaultValue = "200/s", paramLabel = "N/s",
            description = "signalling frames per second per member, 0 disables")
    String signalRate;
    @Option(names = "--signal-burst", defaultValue = "400", paramLabel = "N", description = "signalling burst per member")
    long signalBurst;
    @Option(names = "--signal-pair-rate", defaultValue = "50/s", paramLabel = "N/s",
            description = "signalling frames per second from one member to one other, 0 disables")
    String signalPairRate;
    @Option(names = "--signal-pair-burst", defaultValue = "100", paramLabel = "N", description = "signalling burst per pair")
    long signalPairBurst;
    @Option(names = "--request-timeout", defaultValue = "5s", paramLabel = "DURATION",
            description = "a connection's request headers must arrive, and each plain HTTP request be answered, within this")
    String requestTimeout;
    @Option(names = "--idle-timeout", defaultValue = "15s", paramLabel = "DURATION", description = "idle keep-alive HTTP connections are closed after this")
    String idleTimeout;
    @Option(names = "--presence-lease", defaultValue = "90s", paramLabel = "DURATION",
            description = "how long a member whose connection was lost stays present (no peer_left) after its last frame, so that it can resume; 0 announces every loss at once")
    String presenceLease;
    @Option(names = "--verify-envelopes",
            description = "check every relayed envelope's signature here too (off: the receivers verify every envelope; the relay binds the sender to its connection)")
    boolean verifyEnvelopes;
    @Option(names = "--topic-history", defaultValue = "7d", paramLabel = "DURATION",
            description = "how long topic posts (ciphertext) are kept for 'meshwire topic tail'")
    String topicHistory;
    @Option(names = "--auth-timeout", defaultValue = "5s", paramLabel = "DURATION", description = "a WebSocket must send an accepted hello/join within this")
    String authTimeout;
    @Option(names = "--max-unauthenticated", paramLabel = "N",
            description = "unauthenticated connections at once (default: an eighth of the descriptor limit above 128, 16..4096)")
    Integer maxUnauthenticated;
    @Option(names = "--max-unauthenticated-per-address", defaultValue = "32", paramLabel = "N",
            description = "unauthenticated connections at once from one address (IPv6: one /64)")
    int maxPerAddress;
    @Option(names = "--health-listen", paramLabel = "HOST:PORT", description = "also serve /health, /health/ready and /metrics here, with its own connection budget")
    String healthListen;
    @Mixin
    LogOptions log;
    @Option(names = "--health-max-connections", defaultValue = "16", paramLabel = "N", description = "connections the health listener holds at once")
    int healthMaxConnections;
    @Option(names = "--metrics-listen", paramLabel = "HOST:PORT",
            description = "serve /metrics here only (not on --listen nor --health-listen), with the health listener's connection budget")
    String metricsListen;
    @Option(names = "--metrics-token-file", paramLabel = "FILE",
            description = "file (0600) holding a token; /metrics then answers only 'Authorization: Bearer <token>'")
    Path metricsTokenFile;

    @Override
    public Integer call() throws Exception {
        log.apply();
        HostPort at = HostPort.parse("--listen", listen);
        CoordinatorConfig cfg = CoordinatorConfig.defaults(data.toAbsolutePath())
                .withListen(at.host(), at.port())
                .withAdmission(admission())
                .withMaxFrameBytes(maxFrame)
                .withOpenRegistration(open)
                .withPublicUrl(publicUrl(publicUrl))
                .withMetrics(metrics())
                .withDbUrl(db)
                .withFlow(flow())
                .withPresenceLease(presenceLease())
                .withQueue(sendRateLimit())
                .withVerifyEnvelopes(verifyEnvelopes)
                .withTopicHistory(topicHistory());
        cfg = cfg.withIce(ice(cfg.ice()));
        Coordinator c;
        try {
            c = Coordinator.start(cfg);
        } catch (CoordinatorStartException e) {
            throw new PeerException(PeerException.INTERNAL, "coordinator did not start: " + e.getMessage());
        } catch (UnsupportedOperationException e) {
            throw new PeerException(PeerException.INTERNAL, "this build's coordinator is not implemented yet");
        }
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            c.close();
            stop.countDown();
        }, "coordinator-stop"));
        out().println("coordinator listening: " + c.publicUrl() + " (WebSocket path /ws)");
        out().println("admin token: " + cfg.dataDir().resolve("admin-token"));
        if (c.metricsPort() >= 0) {
            out().println("metrics: http://" + cfg.metrics().listenHost() + ":" + c.metricsPort() + "/metrics"
                    + (cfg.metrics().token() != null ? " (bearer token from " + metricsTokenFile + ")" : ""));
        }
        if (c.stunPort() >= 0) out().println(iceLine(cfg.ice(), c));
        out().println("create a mesh: MESHWIRE_ADMIN_TOKEN=$(cat " + cfg.dataDir().resolve("admin-token")
                + ") meshwire mesh create NAME --coordinator " + c.publicUrl());
        out().flush();
        stop.await();
        return ExitCodes.OK;
    }

    /** {@code stun+turn: udp+tcp port 3478, secret in DATA/turn-secret}, or what runs instead. */
    private static String iceLine(IceSettings ice, Coordinator c) {
        String ports = "udp+tcp port " + c.stunPort() + (c.turnTlsPort() >= 0 ? ", tls port " + c.turnTlsPort() : "");
        return switch (ice.turn()) {
            case EMBEDDED -> "stun+turn: " + ports + ", secret in " + c.dataDir().resolve(Coordinator.TURN_SECRET_FILE);
            case EXTERNAL -> "stun: " + ports + "; turn: " + String.join(" ", ice.external().urls());
            case NONE -> "stun: " + ports + " (no turn)";
        };
    }

    /** Outbound backpressure and signalling limits from the flags; a bad value is a usage error, not a stack trace. */
    private FlowLimits flow() {
        try {
            long mark = ByteSize.parse("--outbound-high-water", highWater);
            FlowLimits f = FlowLimits.defaults().withHighWater(mark, highWaterFrames);
            if (hardCap != null) f = f.withHardCap(ByteSize.parse("--outbound-hard-cap", hardCap), f.hardCapFrames());
            else f = f.withHardCap(4 * mark, 4 * highWaterFrames);
            return f.withGrace(Duration.ofMillis(Render.parseDuration(grace)))
                    .withSignalRates(perSecond("--signal-rate", signalRate), signalBurst, perSecond("--signal-pair-rate", signalPairRate), signalPairBurst);
        } catch (IllegalArgumentException e) {
            throw new PeerException(PeerException.BAD_REQUEST, e.getMessage());
        }
    }

    /** A positive duration like 7d; a bad value is a usage error naming the flag. */
    private Duration topicHistory() {
        long ms;
        try {
            ms = Render.parseDuration(topicHistory);
        } catch (PeerException e) {
            throw new PeerException(PeerException.BAD_REQUEST, "--topic-history: " + e.getMessage());
        }
        if (ms <= 0) throw new PeerException(PeerException.BAD_REQUEST, "--topic-history must be positive, e.g. 7d or 12h");
        return Duration.ofMillis(ms);
    }

    /** A duration like 90s (0 allowed: no lease); a bad value is a usage error naming the flag. */
    private Duration presenceLease() {
        if (presenceLease != null && presenceLease.trim().equals("0")) return Duration.ZERO;
        try {
            return Duration.ofMillis(Render.parseDuration(presenceLease));
        } catch (PeerException e) {
            throw new PeerException(PeerException.BAD_REQUEST, "--presence-lease: " + e.getMessage());
        }
    }

    private AdmissionLimits admission() {
        AdmissionLimits d = AdmissionLimits.defaults();
        try {
            AdmissionLimits a = d.withTimeouts(Duration.ofMillis(Render.parseDuration(requestTimeout)),
                            Duration.ofMillis(Render.parseDuration(idleTimeout)), Duration.ofMillis(Render.parseDuration(authTimeout)))
                    .withBudget(maxUnauthenticated != null ? maxUnauthenticated : d.maxUnauthenticated(), maxPerAddress);
            if (healthListen == null) return a.withHealthListener(null, 0, healthMaxConnections);
            HostPort health = HostPort.parse("--health-listen", healthListen);
            return a.withHealthListener(health.host(), health.port(), healthMaxConnections);
        } catch (IllegalArgumentException e) {
            throw new PeerException(PeerException.BAD_REQUEST, e.getMessage());
        }
    }

    /** The public URL from the flag or MESHWIRE_PUBLIC_URL (blank: derived), checked so a typo fails at start, not in every invite. */
    static String publicUrl(String given) {
        if (given == null || given.isBlank()) return null;
        String url = given.trim();
        java.net.URI u;
        try {
            u = java.net.URI.create(url);
        } catch (IllegalArgumentException e) {
            u = null;
        }
        if (u == null || u.getHost() == null || !List.of("ws", "wss", "http", "https").contains(String.valueOf(u.getScheme()))) {
            throw new PeerException(PeerException.BAD_REQUEST, "--public-url (or MESHWIRE_PUBLIC_URL) must look like ws://host:port or wss://host, got '" + url + "'");
        }
        return url;
    }

    /** Where /metrics is served and its token, from --metrics-listen and --metrics-token-file. */
    private dev.meshwire.coordinator.metrics.MetricsSettings metrics() {
        var m = dev.meshwire.coordinator.metrics.MetricsSettings.defaults();
        if (metricsListen != null) {
            HostPort at = HostPort.parse("--metrics-listen", metricsListen);
            m = m.withListener(at.host(), at.port());
        }
        if (metricsTokenFile != null) m = m.withToken(SecretFile.read("--metrics-token-file", metricsTokenFile));
        return m;
    }

    /** {@code 200/s} or {@code 200}. */
    private dev.meshwire.coordinator.queue.QueueSettings sendRateLimit() {
        if (sendBurst < 1) throw new PeerException(PeerException.BAD_REQUEST, "--send-burst must be at least 1");
        try {
            return dev.meshwire.coordinator.queue.QueueSettings.defaults().withRateLimit(perSecond("--send-rate", sendRate), sendBurst);
        } catch (IllegalArgumentException e) {
            throw new PeerException(PeerException.BAD_REQUEST, e.getMessage());
        }
    }

    private static double perSecond(String what, String v) {
        String n = v.trim().endsWith("/s") ? v.trim().substring(0, v.trim().length() - 2) : v.trim();
        try {
            double r = Double.parseDouble(n);
            if (r >= 0 && Double.isFinite(r)) return r;
        } catch (NumberFormatException ignored) {
            // the message below says what is expected
        }
        throw new IllegalArgumentException(what + " must look like 200/s (0 disables), got '" + v + "'");
    }

    /**
     * The embedded server and what is handed out, from the flags: embedded TURN unless {@code --turn-url} (external
     * TURN; the embedded server answers STUN only), {@code --no-turn} (STUN only) or {@code --no-stun} (no server).
     */
    private IceSettings ice(IceSettings base) {
        try {
            Duration ttl = Duration.ofMillis(Render.parseDuration(turnTtl));
            IceSettings ice = base.withCredentialTtl(ttl);
            if (!turnTransports.isEmpty()) {
                if (noTurn || !turnUrls.isEmpty()) {
                    throw new IllegalArgumentException("--turn-transports chooses the embedded TURN server's URLs; it does not go with "
                            + (noTurn ? "--no-turn" : "--turn-url"));
                }
                Set<IceSettings.Transport> advertised = EnumSet.noneOf(IceSettings.Transport.class);
                for (String t : turnTransports) advertised.add(IceSettings.Transport.parse(t));
                if (advertised.contains(IceSettings.Transport.TLS) && !turnServer.tls()) {
                    throw new IllegalArgumentException("--turn-transports tls needs --turn-tls-port");
                }
                ice = ice.withAdvertised(advertised);
            }
            if (noTurn && !turnUrls.isEmpty()) throw new IllegalArgumentException("--no-turn and --turn-url contradict each other");
            TurnConfig server = base.server() != null ? base.server() : TurnConfig.defaults();
            // The server binds the coordinator's --listen host; the port is --turn-port. Checked even with --no-stun.
            TurnConfig configured = turnServer.apply(server).toBuilder().listen(server.listenHost(), turnPort).build();
            ice = ice.withServer(noStun ? null : configured);
            if (noTurn) ice = ice.withoutTurn();
            TurnSettings external = externalTurn(ttl);
            if (external != null) ice = ice.withExternal(external);
            return ice;
        } catch (IllegalArgumentException e) {
            throw new PeerException(PeerException.BAD_REQUEST, e.getMessage());
        }
    }

    /** The external TURN server, or null when no --turn-url is given. The secret never goes on the command line (ps shows it). */
    private TurnSettings externalTurn(Duration ttl) {
        if (turnUrls.isEmpty()) return null;
        String secret = System.getenv("MESHWIRE_TURN_SECRET");
        if (turnSecretFile != null) secret = SecretFile.read("--turn-secret-file", turnSecretFile);
        if (secret == null || secret.isBlank()) {
            throw new PeerException(PeerException.BAD_REQUEST, "--turn-url needs the shared secret: --turn-secret-file FILE or env MESHWIRE_TURN_SECRET");
        }
        return new TurnSettings(turnUrls, secret, ttl);
    }
}
