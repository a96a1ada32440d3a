package dev.meshwire.coordinator;

import dev.meshwire.coordinator.queue.QueueSettings;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything a coordinator needs to start.
 *
 * @param listenHost       interface to bind, e.g. 0.0.0.0
 * @param listenPort       TCP port for WebSocket + HTTP; 0 picks a free port
 * @param dataDir          holds the SQLite database and the admin token
 * @param dbUrl            null for SQLite under dataDir; {@code jdbc:sqlite:<file>}; or PostgreSQL as
 *                         {@code postgresql://user[:password]@host[:port]/db} (also {@code postgres://},
 *                         {@code jdbc:postgresql://}; the password may come from {@code PGPASSWORD})
 * @param publicUrl        the ws:// or wss:// URL peers should use (put into invites); null derives it
 * @param openRegistration true lets anyone create meshes without the admin token
 * @param stunPort         UDP port of the embedded STUN responder; -1 disables it
 * @param maxFrameBytes    largest accepted WebSocket frame
 * @param pingInterval     how often the coordinator pings each peer
 * @param deadAfter        a peer silent for this long is disconnected
 * @param queue            durable queue tuning (lease, sweeper, flow control, caps, rate limit)
 */
public record CoordinatorConfig(String listenHost, int listenPort, Path dataDir, String dbUrl, String publicUrl,
                                boolean openRegistration, int stunPort, long maxFrameBytes,
                                Duration pingInterval, Duration deadAfter, QueueSettings queue) {
    public static final int DEFAULT_PORT = 7600;
    public static final int DEFAULT_STUN_PORT = 3478;
    public static final long DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;

    public static CoordinatorConfig defaults(Path dataDir) {
        return new CoordinatorConfig("0.0.0.0", DEFAULT_PORT, dataDir, null, null, false, DEFAULT_STUN_PORT,
                DEFAULT_MAX_FRAME_BYTES, Duration.ofSeconds(30), Duration.ofSeconds(75), QueueSettings.defaults());
    }

    public CoordinatorConfig withListen(String host, int port) {
        return new CoordinatorConfig(host, port, dataDir, dbUrl, publicUrl, openRegistration, stunPort, maxFrameBytes, pingInterval, deadAfter, queue);
    }

    public CoordinatorConfig withStunPort(int port) {
        return new CoordinatorConfig(listenHost, listenPort, dataDir, dbUrl, publicUrl, openRegistration, port, maxFrameBytes, pingInterval, deadAfter, queue);
    }

    public CoordinatorConfig withMaxFrameBytes(long bytes) {
        return new CoordinatorConfig(listenHost, listenPort, dataDir, dbUrl, publicUrl, openRegistration, stunPort, bytes, pingInterval, deadAfter, queue);
    }

    public CoordinatorConfig withLiveness(Duration ping, Duration dead) {
        return new CoordinatorConfig(listenHost, listenPort, dataDir, dbUrl, publicUrl, openRegistration, stunPort, maxFrameBytes, ping, dead, queue);
    }

    public CoordinatorConfig withOpenRegistration(boolean open) {
        return new CoordinatorConfig(listenHost, listenPort, dataDir, dbUrl, publicUrl, open, stunPort, maxFrameBytes, pingInterval, deadAfter, queue);
    }

    public CoordinatorConfig withPublicUrl(String url) {
        return new CoordinatorConfig(listenHost, listenPort, dataDir, dbUrl, url, openRegistration, stunPort, maxFrameBytes, pingInterval, deadAfter, queue);
    }

    public CoordinatorConfig withDbUrl(String url) {
        return new CoordinatorConfig(listenHost, listenPort, dataDir, url, publicUrl, openRegistration, stunPort, maxFrameBytes, pingInterval, deadAfter, queue);
    }

    public CoordinatorConfig withQueue(QueueSettings q) {
        return new CoordinatorConfig(listenHost, listenPort, dataDir, dbUrl, publicUrl, openRegistration, stunPort, maxFrameBytes, pingInterval, deadAfter, q);
    }
}
