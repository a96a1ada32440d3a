package dev.meshwire.cli;

import dev.meshwire.coordinator.Coordinator;
import dev.meshwire.coordinator.CoordinatorConfig;
import dev.meshwire.coordinator.CoordinatorStartException;
import dev.meshwire.peer.PeerException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code meshwire coordinator}: runs a coordinator in the foreground until SIGINT/SIGTERM. */
@Command(name = "coordinator", description = "Run a coordinator in the foreground.")
final class CoordinatorCommand extends Verb {
    @Option(names = "--listen", defaultValue = "0.0.0.0:7600", paramLabel = "HOST:PORT") String listen;
    @Option(names = "--data", defaultValue = "meshwire-data", paramLabel = "DIR") Path data;
    @Option(names = "--db", paramLabel = "URL", description = "database URL (default: SQLite under --data)") String db;
    @Option(names = "--public-url", paramLabel = "URL", description = "ws(s):// URL peers use (put into invites)") String publicUrl;
    @Option(names = "--open-registration", description = "anyone may create meshes without the admin token") boolean open;
    @Option(names = "--stun-port", defaultValue = "3478") int stunPort;
    @Option(names = "--no-stun") boolean noStun;
    @Option(names = "--max-frame-bytes", defaultValue = "1048576") long maxFrame;

    @Override
    public Integer call() throws Exception {
        int colon = listen.lastIndexOf(':');
        if (colon <= 0) throw new PeerException(PeerException.BAD_REQUEST, "--listen must be HOST:PORT (got '" + listen + "')");
        int port;
        try {
            port = Integer.parseInt(listen.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new PeerException(PeerException.BAD_REQUEST, "--listen port is not a number: '" + listen + "'");
        }
        CoordinatorConfig cfg = CoordinatorConfig.defaults(data.toAbsolutePath())
                .withListen(listen.substring(0, colon), port)
                .withStunPort(noStun ? -1 : stunPort)
                .withMaxFrameBytes(maxFrame)
                .withOpenRegistration(open)
                .withPublicUrl(publicUrl)
                .withDbUrl(db);
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
        out().println("create a mesh: MESHWIRE_ADMIN_TOKEN=$(cat " + cfg.dataDir().resolve("admin-token")
                + ") meshwire mesh create NAME --coordinator " + c.publicUrl());
        out().flush();
        stop.await();
        return ExitCodes.OK;
    }
}
