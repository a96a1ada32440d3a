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
@Command(name = "livekit", mixinStandardHelpOptions = true,
        description = "Bridge a LiveKit room into a mesh, both ways, as a livekit-room service of this daemon.")
public final class LiveKitSidecarCommand implements Callable<Integer> {
    @Option(names = "--url", required = true, description = "the LiveKit server: ws(s)://HOST[:PORT] (or http(s)://)")
    String url;
    @Option(names = "--room", required = true, description = "the room to join")
    String room;
    @Option(names = "--mesh", required = true, description = "the mesh to bridge into (as this daemon names it)")
    String mesh;
    @Option(names = "--identity", defaultValue = "meshwire-bridge", description = "our participant identity in the room (default ${DEFAULT-VALUE})")
    String identity;
    @Option(names = "--service", defaultValue = "livekit", description = "the service name in the mesh (default ${DEFAULT-VALUE}); registered if absent")
    String service;
    @Option(names = "--api-key", description = "LiveKit API key: the side-car mints its own tokens (with --api-secret-file)")
    String apiKey;
    @Option(names = "--api-secret-file", description = "file holding the LiveKit API secret (keep it 0600)")
    Path apiSecretFile;
    @Option(names = "--token-file", description = "file holding a LiveKit access token, read again at every (re)join")
    Path tokenFile;
    @Option(names = "--topic", defaultValue = "meshwire", description = "the data topic bridged both ways (default ${DEFAULT-VALUE})")
    String topic;
    @Option(names = "--target", defaultValue = "*", description = "where room messages go in the mesh: a member, or * (default)")
    String target;
    @Option(names = "--home", description = "the daemon's MESHWIRE_HOME (default: $MESHWIRE_HOME or ~/.meshwire)")
    Path home;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Counted down to stop a running side-car (the shutdown hook, or a test). */
    final CountDownLatch stop = new CountDownLatch(1);
    /** Set once the bridge runs (a test waits on it). */
    volatile LiveKitBridge running;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        RoomToken token;
        try {
            token = token();
        } catch (CommandLine.ParameterException e) {
            throw e;
        } catch (RoomException | IllegalArgumentException e) {
            err.println("meshwire sidecar livekit: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        MeshwireHome meshwireHome = MeshwireHome.resolve(home);
        IpcClient ipc = IpcClient.forHome(meshwireHome);
        if (ipc == null || !ipc.alive()) {
            err.println("meshwire sidecar livekit: no daemon is running for this MESHWIRE_HOME; start it with: meshwire up");
            return ExitCodes.NO_DAEMON;
        }
        BridgeConfig config;
        try {
            config = new BridgeConfig(mesh, service, topic, target);
        } catch (IllegalArgumentException e) {
            err.println("meshwire sidecar livekit: " + e.getMessage());
            return ExitCodes.USAGE;
        }
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
                listener -> new RoomClient(RoomConfig.of(url, room, identity), token, listener));
        Thread hook = new Thread(stop::countDown, "livekit-sidecar-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            String key = bridge.start(RoomConfig.of(url, room, identity).joinTimeout().toMillis());
            out.println("bridging LiveKit room '" + room + "' at " + url + " into mesh '" + mesh + "' as service '" + service
                    + "' (" + key.substring(0, 12) + "…), topic '" + topic + "', room messages to " + target);
            out.flush();
            running = bridge;
            stop.await();
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
