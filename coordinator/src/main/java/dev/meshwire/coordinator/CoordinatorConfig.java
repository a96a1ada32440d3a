package dev.meshwire.coordinator;

import dev.meshwire.coordinator.flow.FlowLimits;
import dev.meshwire.coordinator.admission.AdmissionLimits;
import dev.meshwire.coordinator.ice.IceSettings;
import dev.meshwire.coordinator.metrics.MetricsSettings;
import dev.meshwire.coordinator.ice.TurnSettings;
import dev.meshwire.coordinator.queue.QueueSettings;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything a coordinator needs to start. Change one setting with a {@code with...} method, or several
 * with {@link #toBuilder()}.
 *
 * @param listenHost       interface to bind, e.g. 0.0.0.0
 * @param listenPort       TCP port for WebSocket + HTTP; 0 picks a free port
 * @param dataDir          holds the SQLite database and the admin token
 * @param dbUrl            null for SQLite under dataDir; {@code jdbc:sqlite:<file>}; or PostgreSQL as
 *                         {@code postgresql://user[:password]@host[:port]/db} (also {@code postgres://},
 *                         {@code jdbc:postgresql://}; the password may come from {@code PGPASSWORD})
 * @param publicUrl        the ws:// or wss:// URL peers should use (put into invites); null derives it
 * @param openRegistration true lets anyone create meshes without the admin token
 * @param ice              the embedded STUN/TURN server (UDP and TCP on one port, bound on {@code listenHost}) and
 *                         the ICE servers handed out in hello_ack: embedded TURN by default, an external TURN
 *                         server, STUN only, or nothing
 * @param maxFrameBytes    largest accepted WebSocket frame
 * @param pingInterval     how often the coordinator pings each peer
 * @param deadAfter        a peer silent for this long is disconnected
 * @param queue            durable queue tuning (lease, sweeper, flow control, caps, rate limit)
 * @param flow             outbound backpressure (high-water mark, hard cap, slow-consumer grace) and signalling rate limits
 * @param admission        limits and deadlines for connections before they authenticate, and the health listener
 * @param metrics          where {@code /metrics} is served (main port or a listener of its own) and its bearer token
 * @param presenceLease    how long a member whose connection was lost stays present (no {@code peer_left}) after the
 *                         coordinator last heard from it, so that it can resume with its token; zero announces every
 *                         lost connection at once
 * @param verifyEnvelopes  true makes the relay check every envelope's Ed25519 signature before accepting it; false
 *                         (the default) leaves that to the receivers, which verify every envelope on every path —
 *                         the relay still binds {@code envelope.from} to the authenticated key (docs/architecture.md
 *                         "Who verifies envelope signatures")
 * @param topicHistory     how long the coordinator keeps topic posts (ciphertext) for {@code topic_history}
 *                         (docs/protocol.md §12.2 "History"); older ones are pruned
 */
public record CoordinatorConfig(String listenHost, int listenPort, Path dataDir, String dbUrl, String publicUrl,
                                boolean openRegistration, IceSettings ice, long maxFrameBytes,
                                Duration pingInterval, Duration deadAfter, QueueSettings queue,
                                FlowLimits flow, AdmissionLimits admission, MetricsSettings metrics,
                                Duration presenceLease, boolean verifyEnvelopes, Duration topicHistory) {
    public static final int DEFAULT_PORT = 7600;
    /** The seed's lease: absorbs a laptop sleep, a NAT rebinding or a Wi-Fi switch; a crash is cleared within it. */
    public static final Duration DEFAULT_PRESENCE_LEASE = Duration.ofSeconds(90);
    public static final int DEFAULT_STUN_PORT = dev.meshwire.turn.TurnConfig.DEFAULT_PORT;
    public static final long DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;
    /** The seed's default history window for topics. */
    public static final Duration DEFAULT_TOPIC_HISTORY = Duration.ofDays(7);

    public static CoordinatorConfig defaults(Path dataDir) {
        return new CoordinatorConfig("0.0.0.0", DEFAULT_PORT, dataDir, null, null, false, IceSettings.defaults(),
                DEFAULT_MAX_FRAME_BYTES, Duration.ofSeconds(30), Duration.ofSeconds(75), QueueSettings.defaults(),
                FlowLimits.defaults(), AdmissionLimits.defaults(), MetricsSettings.defaults(), DEFAULT_PRESENCE_LEASE, false,
                DEFAULT_TOPIC_HISTORY);
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    public CoordinatorConfig withListen(String host, int port) {
        return toBuilder().listen(host, port).build();
    }

    /** The embedded STUN/TURN server on {@code port} (0: a free one), or none at all for -1 (like {@code --no-stun}). */
    public CoordinatorConfig withStunPort(int port) {
        return withIce(port < 0 ? ice.withServer(null) : ice.withPort(port));
    }

    public CoordinatorConfig withIce(IceSettings i) {
        return toBuilder().ice(i).build();
    }

    public CoordinatorConfig withMaxFrameBytes(long bytes) {
        return toBuilder().maxFrameBytes(bytes).build();
    }

    public CoordinatorConfig withLiveness(Duration ping, Duration dead) {
        return toBuilder().liveness(ping, dead).build();
    }

    public CoordinatorConfig withOpenRegistration(boolean open) {
        return toBuilder().openRegistration(open).build();
    }

    public CoordinatorConfig withPublicUrl(String url) {
        return toBuilder().publicUrl(url).build();
    }

    public CoordinatorConfig withDbUrl(String url) {
        return toBuilder().dbUrl(url).build();
    }

    public CoordinatorConfig withQueue(QueueSettings q) {
        return toBuilder().queue(q).build();
    }

    /** Hands out the external TURN server {@code t}; the embedded server then answers STUN only. */
    public CoordinatorConfig withTurn(TurnSettings t) {
        return withIce(ice.withExternal(t));
    }

    public CoordinatorConfig withFlow(FlowLimits f) {
        return toBuilder().flow(f).build();
    }

    public CoordinatorConfig withAdmission(AdmissionLimits a) {
        return toBuilder().admission(a).build();
    }

    public CoordinatorConfig withMetrics(MetricsSettings m) {
        return toBuilder().metrics(m).build();
    }

    public CoordinatorConfig withPresenceLease(Duration lease) {
        return toBuilder().presenceLease(lease).build();
    }

    public CoordinatorConfig withVerifyEnvelopes(boolean verify) {
        return toBuilder().verifyEnvelopes(verify).build();
    }

    public CoordinatorConfig withTopicHistory(Duration window) {
        return toBuilder().topicHistory(window).build();
    }

    /** A mutable copy of a config, for changing several settings at once. */
    public static final class Builder {
        private String listenHost;
        private int listenPort;
        private Path dataDir;
        private String dbUrl;
        private String publicUrl;
        private boolean openRegistration;
        private IceSettings ice;
        private long maxFrameBytes;
        private Duration pingInterval;
        private Duration deadAfter;
        private QueueSettings queue;
        private FlowLimits flow;
        private AdmissionLimits admission;
        private MetricsSettings metrics;
        private Duration presenceLease;
        private boolean verifyEnvelopes;
        private Duration topicHistory;

        private Builder(CoordinatorConfig c) {
            listenHost = c.listenHost;
            listenPort = c.listenPort;
            dataDir = c.dataDir;
            dbUrl = c.dbUrl;
            publicUrl = c.publicUrl;
            openRegistration = c.openRegistration;
            ice = c.ice;
            maxFrameBytes = c.maxFrameBytes;
            pingInterval = c.pingInterval;
            deadAfter = c.deadAfter;
            queue = c.queue;
            flow = c.flow;
            admission = c.admission;
            metrics = c.metrics;
            presenceLease = c.presenceLease;
            verifyEnvelopes = c.verifyEnvelopes;
            topicHistory = c.topicHistory;
        }

        public Builder listen(String host, int port) {
            listenHost = host;
            listenPort = port;
            return this;
        }

        public Builder dataDir(Path dir) {
            dataDir = dir;
            return this;
        }

        public Builder dbUrl(String url) {
            dbUrl = url;
            return this;
        }

        public Builder publicUrl(String url) {
            publicUrl = url;
            return this;
        }

        public Builder openRegistration(boolean open) {
            openRegistration = open;
            return this;
        }

        public Builder ice(IceSettings i) {
            ice = i;
            return this;
        }

        public Builder maxFrameBytes(long bytes) {
            maxFrameBytes = bytes;
            return this;
        }

        public Builder liveness(Duration ping, Duration dead) {
            pingInterval = ping;
            deadAfter = dead;
            return this;
        }

        public Builder queue(QueueSettings q) {
            queue = q;
            return this;
        }

        public Builder flow(FlowLimits f) {
            flow = f;
            return this;
        }

        public Builder admission(AdmissionLimits a) {
            admission = a;
            return this;
        }

        public Builder metrics(MetricsSettings m) {
            metrics = m;
            return this;
        }

        /** Zero or more; a negative lease is refused. */
        public Builder presenceLease(Duration lease) {
            if (lease == null || lease.isNegative()) throw new IllegalArgumentException("the presence lease must be zero or positive");
            presenceLease = lease;
            return this;
        }

        public Builder verifyEnvelopes(boolean verify) {
            verifyEnvelopes = verify;
            return this;
        }

        /** Positive; posts older than this are pruned from the topic history. */
        public Builder topicHistory(Duration window) {
            if (window == null || window.isNegative() || window.isZero()) throw new IllegalArgumentException("the topic history window must be positive");
            topicHistory = window;
            return this;
        }

        public CoordinatorConfig build() {
            return new CoordinatorConfig(listenHost, listenPort, dataDir, dbUrl, publicUrl, openRegistration, ice,
                    maxFrameBytes, pingInterval, deadAfter, queue, flow, admission, metrics, presenceLease, verifyEnvelopes, topicHistory);
        }
    }
}
