package dev.meshwire.livekit.cli;

import dev.meshwire.cli.ExitCodes;
import dev.meshwire.livekit.bridge.BridgeConfig;
import dev.meshwire.livekit.bridge.BridgeException;
import dev.meshwire.livekit.bridge.DaemonLink;
import dev.meshwire.livekit.bridge.LiveKitBridge;
import dev.meshwire.livekit.bridge.RoomQueue;
import dev.meshwire.livekit.room.RoomClient;
import dev.meshwire.livekit.room.RoomConfig;
import dev.meshwire.livekit.room.RoomException;
import dev.meshwire.livekit.room.RoomToken;
import dev.meshwire.livekit.ops.BridgeReports;
import dev.meshwire.livekit.ops.MetricsEndpoint;
import dev.meshwire.peer.home.MeshwireHome;
import dev.meshwire.peer.ipc.IpcClient;
import dev.meshwire.peer.ipc.IpcException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code meshwire sidecar livekit}: joins a LiveKit room as a data-only participant and bridges it into a mesh as a
 * delegated {@code livekit-room} service of the local daemon (docs/livekit.md "The side-car"). Runs until stopped
 * (SIGTERM/SIGINT: leaves the room politely).
 */
@Command(name = "livekit",
        description = "Bridge a LiveKit room into a mesh, both ways, as a livekit-room service of this daemon.")
public final class LiveKitSidecarCommand implements Callable<Integer> {
    @Option(names = "--url", required = true, paramLabel = "URL", description = "the LiveKit server: ws(s)://HOST[:PORT] (or http(s)://)")
    String url;
    @Option(names = "--room", required = true, paramLabel = "ROOM", description = "the room to join")
    String room;
    @Option(names = "--mesh", required = true, paramLabel = "MESH", description = "the mesh to bridge into (as this daemon names it)")
    String mesh;
    @Option(names = "--identity", paramLabel = "IDENTITY", defaultValue = "meshwire-bridge", description = "our participant identity in the room")
    String identity;
    @Option(names = "--service", paramLabel = "NAME", defaultValue = "livekit", description = "the service name in the mesh; registered if absent")
    String service;
    @Option(names = "--api-key", paramLabel = "KEY", description = "LiveKit API key: the side-car mints its own tokens (with --api-secret-file)")
    String apiKey;
    @Option(names = "--api-secret-file", paramLabel = "FILE", description = "file holding the LiveKit API secret (keep it 0600)")
    Path apiSecretFile;
    @Option(names = "--token-file", paramLabel = "FILE", description = "file holding a LiveKit access token, read again at every (re)join")
    Path tokenFile;
    @Option(names = "--topic", paramLabel = "TOPIC", defaultValue = "meshwire", description = "the data topic bridged both ways")
    String topic;
    @Option(names = "--target", paramLabel = "MEMBER|*", defaultValue = "*", description = "where room messages go in the mesh: a member, or * (every member)")
    String target;
    @Option(names = "--max-file-bytes", paramLabel = "BYTES", defaultValue = "16777216",
            description = "room data streams over 262144 bytes and up to this size (at most 16777216: a stream is held in memory until it is whole) are sent to --target as mesh file transfers; larger ones are refused")
    int maxFileBytes;
    @Option(names = "--managed", description = "run it under the daemon instead: started now, restarted when it exits, back after a daemon restart (see: meshwire sidecar status, meshwire sidecar stop)")
    boolean managed;
    @Option(names = "--metrics", paramLabel = "HOST:PORT", description = "serve Prometheus metrics at http://HOST:PORT/metrics (give 127.0.0.1:PORT for loopback only), with --metrics-token-file")
    String metrics;
    @Option(names = "--metrics-token-file", paramLabel = "FILE", description = "file holding the bearer token a scrape must send (keep it 0600)")
    Path metricsTokenFile;

    @Option(names = "--json", description = "with --managed: print the started bridge (the POST /v1/sidecars answer) as JSON")
    boolean json;

    @CommandLine.ParentCommand
    SidecarCommand parent;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Counted down to stop a running side-car (the shutdown hook, or a test). */
    final CountDownLatch stop = new CountDownLatch(1);
    /** Set once the bridge runs (a test waits on it). */
    volatile LiveKitBridge running;

    /** How often a running side-car reports to its daemon ({@code meshwire sidecar status}). */
    static final long REPORT_MS = 2_000;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        RoomToken token;
        MetricsOption metricsAt;
        try {
            token = token();
            metricsAt = MetricsOption.parse(spec.commandLine(), metrics, metricsTokenFile);
        } catch (CommandLine.ParameterException e) {
            throw e;
        } catch (RoomException | IllegalArgumentException e) {
            err.println("meshwire sidecar livekit: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        try {
            new BridgeConfig(mesh, service, topic, target, maxFileBytes, null); // checked now: a usage error before anything starts
        } catch (IllegalArgumentException e) {
            err.println("meshwire sidecar livekit: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        IpcClient ipc = parent.daemon();
        if (ipc == null) {
            err.println("meshwire sidecar livekit: " + SidecarCommand.NO_DAEMON);
            return ExitCodes.NO_DAEMON;
        }
        if (managed) return startManaged(ipc, out);
        // A managed bridge stops with the daemon that runs it (a daemon killed hard leaves no orphan in the room).
        String daemonPid = System.getenv(dev.meshwire.peer.sidecar.Sidecars.DAEMON_PID_ENV);
        if (daemonPid != null) {
            java.util.Optional<ProcessHandle> d = ProcessHandle.of(Long.parseLong(daemonPid.trim()));
            if (d.isEmpty()) return ExitCodes.OK;
            d.get().onExit().thenRun(stop::countDown);
        }
        MeshwireHome meshwireHome = parent.home();
        // Room data streams over the message limit are spooled here until their mesh file transfer ended.
        BridgeConfig config = new BridgeConfig(mesh, service, topic, target, maxFileBytes, RoomQueue.spoolFor(meshwireHome, mesh, service));
        RoomQueue queue;
        try {
            // Room packets are stored here before anything can lose them, and wait across restarts of the side-car
            // and of the daemon (docs/livekit.md "Delivery").
            queue = RoomQueue.open(RoomQueue.fileFor(meshwireHome, mesh, service), LiveKitBridge.ROOM_QUEUE_MAX);
        } catch (BridgeException e) {
            err.println("meshwire sidecar livekit: " + e.getMessage());
            return ExitCodes.FAILED;
        }
        LiveKitBridge bridge = new LiveKitBridge(config, DaemonLink.forHome(meshwireHome), queue,
                listener -> new RoomClient(RoomConfig.of(url, room, identity).withMaxStreamBytes(config.roomStreamLimit()), token, listener));
        Thread hook = new Thread(stop::countDown, "livekit-sidecar-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            String key = bridge.start(RoomConfig.of(url, room, identity).joinTimeout().toMillis());
            out.println("bridging LiveKit room '" + room + "' at " + url + " into mesh '" + mesh + "' as service '" + service
                    + "' (" + key.substring(0, 12) + "…), topic '" + topic + "', room messages to " + target);
            out.flush();
            running = bridge;
            BridgeReports.Identity id = new BridgeReports.Identity(service, mesh, service, url, room);
            try (MetricsEndpoint m = metricsAt == null ? null : metricsAt.start(() -> BridgeReports.of(id, bridge),
                    io.micrometer.core.instrument.Tags.of("mesh", mesh, "service", service, "room", room))) {
                if (m != null) {
                    out.println("metrics at http://" + metricsAt.host() + ":" + m.port() + "/metrics (bearer token from " + metricsTokenFile + ")");
                    out.flush();
                }
                do {
                    report(ipc, id, bridge);
                } while (!stop.await(REPORT_MS, java.util.concurrent.TimeUnit.MILLISECONDS));
            } catch (java.io.IOException e) {
                err.println("meshwire sidecar livekit: cannot serve metrics at " + metrics + ": " + e.getMessage());
                return ExitCodes.FAILED;
            }
            return ExitCodes.OK;
        } catch (RoomException e) {
            err.println("meshwire sidecar livekit: " + e.getMessage());
            return e.refused() ? ExitCodes.FAILED : ExitCodes.UNREACHABLE;
        } catch (BridgeException e) {
            err.println("meshwire sidecar livekit: " + e.getMessage());
            return ExitCodes.FAILED;
        } catch (IpcException e) {
            err.println("meshwire sidecar livekit: the daemon refused: " + e.getMessage());
            return ExitCodes.FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.OK;
        } finally {
            bridge.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // the JVM is already shutting down
            }
        }
    }

    /** Tells the daemon how the bridge is doing; a daemon that does not answer now is asked again at the next report. */
    private static void report(IpcClient ipc, BridgeReports.Identity id, LiveKitBridge bridge) {
        try {
            ipc.sidecarReport(BridgeReports.of(id, bridge));
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(LiveKitSidecarCommand.class).debug("report to the daemon: {}", e.toString());
        }
    }

    /**
     * {@code --managed}: hands this command line to the daemon (docs/livekit.md "Managed bridges"). Paths become
     * absolute (the daemon runs elsewhere); secrets stay in their files, only the file names travel.
     */
    private int startManaged(IpcClient ipc, PrintWriter out) {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("--url", url, "--room", room, "--mesh", mesh,
                "--identity", identity, "--service", service, "--topic", topic, "--target", target, "--max-file-bytes", String.valueOf(maxFileBytes)));
        if (apiKey != null) args.addAll(java.util.List.of("--api-key", apiKey, "--api-secret-file", apiSecretFile.toAbsolutePath().toString()));
        if (tokenFile != null) args.addAll(java.util.List.of("--token-file", tokenFile.toAbsolutePath().toString()));
        if (metrics != null) args.addAll(java.util.List.of("--metrics", metrics, "--metrics-token-file", metricsTokenFile.toAbsolutePath().toString()));
        var item = ipc.sidecarStart(new dev.meshwire.peer.ipc.api.SidecarStartRequest(service, "livekit", args, System.getProperty("java.class.path")));
        if (json) {
            out.println(SidecarCommand.json(item));
            return ExitCodes.OK;
        }
        out.println("managed bridge '" + item.name() + "' " + item.state() + (item.pid() > 0 ? " (pid " + item.pid() + ")" : "") + ": LiveKit room '"
                + room + "' at " + url + " into mesh '" + mesh + "'; see: meshwire sidecar status");
        return ExitCodes.OK;
    }

    private RoomToken token() {
        boolean minted = apiKey != null || apiSecretFile != null;
        if (minted && tokenFile != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give either --api-key with --api-secret-file, or --token-file, not both");
        }
        if (tokenFile != null) {
            RoomToken fromFile = new RoomToken.FromFile(tokenFile);
            fromFile.next(); // fail now, with the reason, if it is unreadable or empty
            return fromFile;
        }
        if (apiKey == null || apiSecretFile == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give --api-key with --api-secret-file, or --token-file");
        }
        return new RoomToken.Minted(apiKey, RoomToken.readSecret(apiSecretFile), room, identity, Duration.ofHours(6));
    }
}
