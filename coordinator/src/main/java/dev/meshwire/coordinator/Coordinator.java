package dev.meshwire.coordinator;

import dev.meshwire.coordinator.http.HttpApi;
import dev.meshwire.coordinator.ice.IceServerIssuer;
import dev.meshwire.coordinator.metrics.CoordinatorMetrics;
import dev.meshwire.coordinator.presence.ResumeTokens;
import dev.meshwire.coordinator.session.SessionSettings;
import dev.meshwire.coordinator.store.CoordinatorStore;
import dev.meshwire.coordinator.store.PgCoordinatorStore;
import dev.meshwire.coordinator.store.SqliteCoordinatorStore;
import dev.meshwire.coordinator.store.StoreException;
import dev.meshwire.signaling.frame.Frame;
import dev.meshwire.sqlite.SqliteFiles;
import dev.meshwire.coordinator.ice.IceSettings;
import dev.meshwire.turn.TurnConfig;
import dev.meshwire.turn.TurnServer;
import dev.meshwire.turn.TurnStats;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.URI;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running coordinator.
 *
 * <p>{@link #start} blocks until the WebSocket/HTTP listener and the embedded STUN/TURN server (unless disabled)
 * are bound, or throws with a one-line reason (port in use, data directory not writable, database error).
 */
public final class Coordinator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Coordinator.class);
    public static final String VERSION = "0.1.0";
    public static final String DB_FILE = "coordinator.db";
    /** The embedded TURN server's shared secret (TURN REST API), generated once, 0600. */
    public static final String TURN_SECRET_FILE = "turn-secret";

    private final Vertx vertx;
    private final CoordinatorStore store;
    private final CoordinatorMetrics metrics;
    private final TurnServer turn;
    private final int port;
    private final int healthPort;
    private final int metricsPort;
    private final String adminToken;
    private final String publicUrl;
    private final Path dataDir;
    private volatile boolean closed;

    private Coordinator(Vertx vertx, CoordinatorStore store, CoordinatorMetrics metrics, TurnServer turn, int port, int healthPort,
                        int metricsPort, String adminToken, String publicUrl, Path dataDir) {
        this.vertx = vertx;
        this.store = store;
        this.metrics = metrics;
        this.turn = turn;
        this.port = port;
        this.healthPort = healthPort;
        this.metricsPort = metricsPort;
        this.adminToken = adminToken;
        this.publicUrl = publicUrl;
        this.dataDir = dataDir;
    }

    public static Coordinator start(CoordinatorConfig config) throws CoordinatorStartException {
        Path dataDir = config.dataDir() != null ? config.dataDir() : Path.of("meshwire-data");
        String token = prepareDataDir(dataDir);
        String publicHost = publicHost(config);

        Vertx vertx = Vertx.vertx();
        CoordinatorStore store = null;
        CoordinatorMetrics metrics = new CoordinatorMetrics(knownFrameTypes());
        TurnServer turn = null;
        try {
            store = openStore(vertx, config, dataDir);
            String secret = config.ice().embeddedTurn() ? turnSecret(dataDir) : null;
            turn = startTurn(config, secret, metrics);
            IceServerIssuer ice = IceServerIssuer.forSettings(config.ice(), publicHost, turn == null ? -1 : turn.port(),
                    turn == null ? -1 : turn.tlsPort(), secret, java.time.Clock.systemUTC());
            SessionSettings sessionSettings = new SessionSettings(VERSION, config.maxFrameBytes(), config.pingInterval(),
                    config.deadAfter(), config.admission().authTimeout(), ice, config.flow(),
                    new ResumeTokens(resumeKey(dataDir), ResumeTokens.DEFAULT_TTL));
            config.flow().named().forEach(metrics::limit);
            config.admission().named().forEach(metrics::limit);
            int[] boundPort = new int[1];
            String configuredUrl = config.publicUrl();
            HttpApi.Settings http = new HttpApi.Settings(token, config.openRegistration(),
                    () -> configuredUrl != null ? configuredUrl : "ws://" + hostForUrl(publicHost) + ":" + boundPort[0], config.metrics());
            CoordinatorVerticle verticle = new CoordinatorVerticle(config, store, metrics, sessionSettings, http);
            try {
                vertx.deployVerticle(verticle).await(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new CoordinatorStartException(bindMessage(config, e), e);
            }
            boundPort[0] = verticle.port();
            int healthPort = verticle.healthPort();
            int metricsPort = verticle.metricsPort();
            String url = http.publicUrl().get();
            LOG.info("meshwire coordinator {} listening on {}:{} (WebSocket {}, public URL {}){}; admin token in {}{}",
                    VERSION, config.listenHost(), boundPort[0], "/ws", url,
                    turnDescription(config.ice(), turn),
                    dataDir.resolve(AdminToken.FILE).toAbsolutePath(),
                    config.openRegistration() ? " (open registration: no token needed)" : "");
            if (healthPort >= 0) {
                LOG.info("health listener on {}:{} (/health, /health/ready{})", config.admission().healthHost(), healthPort,
                        metricsPort >= 0 ? "" : ", /metrics");
            }
            if (metricsPort >= 0) LOG.info("metrics listener on {}:{} (/metrics{})", config.metrics().listenHost(), metricsPort,
                    config.metrics().token() != null ? ", bearer token required" : "");
            return new Coordinator(vertx, store, metrics, turn, boundPort[0], healthPort, metricsPort, token, url, dataDir);
        } catch (CoordinatorStartException | RuntimeException e) {
            if (turn != null) turn.close();
            if (store != null) store.close();
            metrics.close();
            try {
                vertx.close().await(10, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // best effort: the start failure is what matters
            }
            if (e instanceof CoordinatorStartException cse) throw cse;
            throw new CoordinatorStartException("coordinator failed to start: " + e, e);
        }
    }

    /** The presence resume key from {@code <data>/resume-key}, generated (0600) on the first start. */
    private static dev.meshwire.signaling.crypto.Identity resumeKey(Path dataDir) throws CoordinatorStartException {
        try {
            return ResumeKey.loadOrCreate(dataDir);
        } catch (IOException e) {
            throw new CoordinatorStartException("cannot use the resume key in " + dataDir.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    /** The embedded TURN server's secret from {@code <data>/turn-secret}, generated (0600) on the first start. */
    private static String turnSecret(Path dataDir) throws CoordinatorStartException {
        Path file = dataDir.resolve(TURN_SECRET_FILE);
        try {
            return GeneratedSecret.loadOrCreate(file, "TURN secret");
        } catch (IOException e) {
            throw new CoordinatorStartException("cannot use the TURN secret " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Starts the embedded STUN/TURN server on the coordinator's listen host, or returns null when none is configured.
     * A port in use is a start failure, not a warning: peers would otherwise get no STUN/TURN without anyone noticing.
     */
    private static TurnServer startTurn(CoordinatorConfig config, String secret, CoordinatorMetrics metrics) throws CoordinatorStartException {
        TurnConfig server = config.ice().server();
        if (server == null) return null;
        TurnConfig tc = server.toBuilder().listen(config.listenHost(), server.port()).secret(secret).build();
        try {
            return TurnServer.start(tc, metrics.registry());
        } catch (IOException e) {
            throw new CoordinatorStartException("STUN/TURN server did not start: " + e.getMessage()
                    + " (choose another port with --turn-port, or run none with --no-stun)", e);
        }
    }

    private static String turnDescription(IceSettings ice, TurnServer turn) {
        if (turn == null) return ice.external() != null ? ", external TURN " + ice.external().urls() : "";
        String what = switch (ice.turn()) {
            case EMBEDDED -> "STUN+TURN";
            case EXTERNAL -> "STUN (external TURN " + ice.external().urls() + ")";
            case NONE -> "STUN";
        };
        return ", " + what + " udp+tcp " + turn.port() + (turn.tlsPort() >= 0 ? " tls " + turn.tlsPort() : "");
    }

    private static String prepareDataDir(Path dataDir) throws CoordinatorStartException {
        try {
            PrivateFiles.ensureDir(dataDir); // 0700: the database holds keys and message metadata
            if (!Files.isWritable(dataDir)) throw new AccessDeniedException(dataDir.toString());
            return AdminToken.loadOrCreate(dataDir);
        } catch (AccessDeniedException e) {
            throw new CoordinatorStartException("data directory " + dataDir.toAbsolutePath() + " is not writable", e);
        } catch (IOException e) {
            throw new CoordinatorStartException("cannot use data directory " + dataDir.toAbsolutePath() + ": " + e, e);
        }
    }

    private static CoordinatorStore openStore(Vertx vertx, CoordinatorConfig config, Path dataDir) throws CoordinatorStartException {
        String url = config.dbUrl();
        if (PgCoordinatorStore.isPostgresUrl(url)) {
            try {
                return PgCoordinatorStore.open(vertx, url, 8);
            } catch (RuntimeException e) {
                throw new CoordinatorStartException("database error: " + e.getMessage(), e);
            }
        }
        if (url == null) {
            url = "jdbc:sqlite:" + dataDir.resolve(DB_FILE).toAbsolutePath();
        } else if (!url.startsWith("jdbc:sqlite:")) {
            throw new CoordinatorStartException("database URL " + url.split("[?;]")[0]
                    + " is not supported: use jdbc:sqlite:<file> or postgresql://user@host:port/db", null);
        }
        try {
            // The store makes the file and its -wal, -shm and -journal 0600 (SqliteFiles), before SQLite opens it.
            return SqliteCoordinatorStore.open(vertx, url);
        } catch (UncheckedIOException e) {
            throw new CoordinatorStartException("cannot secure the database file " + SqliteFiles.databaseFile(url) + ": "
                    + e.getCause().getMessage(), e.getCause());
        } catch (SQLException e) {
            throw new CoordinatorStartException("database error opening " + url + ": " + e.getMessage(), e);
        } catch (StoreException e) {
            throw new CoordinatorStartException(e.getMessage(), e);
        }
    }

    private static String bindMessage(CoordinatorConfig config, Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof CoordinatorStartException already) return already.getMessage(); // the health listener's own message
        }
        Throwable t = e;
        while (t.getCause() != null && !(t instanceof BindException)) t = t.getCause();
        String where = config.listenHost() + ":" + config.listenPort();
        if (t instanceof BindException || String.valueOf(t.getMessage()).contains("Address already in use")) {
            return "port " + config.listenPort() + " on " + config.listenHost() + " is already in use";
        }
        return "cannot listen on " + where + ": " + t.getMessage();
    }

    /** The host peers should use: the public URL's host, else the listen host (wildcards become loopback). */
    static String publicHost(CoordinatorConfig config) {
        if (config.publicUrl() != null) {
            String host = URI.create(config.publicUrl()).getHost();
            if (host != null) return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        }
        String h = config.listenHost();
        if (h == null || h.isEmpty() || h.equals("0.0.0.0") || h.equals("::") || h.equals("[::]")) return "127.0.0.1";
        return h;
    }

    private static String hostForUrl(String host) {
        return host.contains(":") ? "[" + host + "]" : host;
    }

    private static Set<String> knownFrameTypes() {
        return Arrays.stream(Frame.class.getAnnotation(JsonSubTypes.class).value())
                .map(JsonSubTypes.Type::name).collect(Collectors.toUnmodifiableSet());
    }

    /** The bound TCP port (useful when the config asked for port 0). */
    public int port() {
        return port;
    }

    /** The bound port of the separate health listener, or -1 when there is none. */
    public int healthPort() {
        return healthPort;
    }

    /** The bound port of the separate metrics listener, or -1 when there is none. */
    public int metricsPort() {
        return metricsPort;
    }

    /** The bound UDP/TCP port of the embedded STUN/TURN server, or -1 when none runs. */
    public int stunPort() {
        return turn == null ? -1 : turn.port();
    }

    /** The embedded server's TLS port, or -1 when none runs or TLS is off. */
    public int turnTlsPort() {
        return turn == null ? -1 : turn.tlsPort();
    }

    /** The embedded STUN/TURN server's counters, or null when none runs. */
    public TurnStats turnStats() {
        return turn == null ? null : turn.stats();
    }

    /** The admin token (read from or generated into {@code <data>/admin-token}, mode 0600). */
    public String adminToken() {
        return adminToken;
    }

    /** The URL peers use, e.g. {@code ws://127.0.0.1:7600}; invites carry it. WebSocket path is {@code /ws}. */
    public String publicUrl() {
        return publicUrl;
    }

    /** The metrics (in-process readers: tests, the benchmark). */
    /** The store (tests read queue depths and revocations through it). */
    CoordinatorStore store() {
        return store;
    }

    CoordinatorMetrics metrics() {
        return metrics;
    }

    /** The data directory in use. */
    public Path dataDir() {
        return dataDir;
    }

    /** Stops listeners, closes peer sessions with 1001 and closes the store. Idempotent. Do not call from an event loop. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            vertx.close().await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("coordinator shutdown: {}", e.toString());
        }
        store.close();
        if (turn != null) turn.close();
        metrics.close();
        LOG.info("coordinator stopped");
    }
}
