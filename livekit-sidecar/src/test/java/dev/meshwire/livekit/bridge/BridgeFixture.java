package dev.meshwire.livekit.bridge;

import dev.meshwire.livekit.room.RoomClient;
import dev.meshwire.livekit.room.RoomConfig;
import dev.meshwire.livekit.room.RoomData;
import dev.meshwire.livekit.room.RoomListener;
import dev.meshwire.livekit.room.RoomToken;
import dev.meshwire.livekit.testserver.StandInServer;
import dev.meshwire.peer.ipc.IpcClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The room half of a bridge test: the stand-in LiveKit server (started), room participants on real WebRTC that record
 * what they get, and bridges in room {@link #ROOM} as {@link #BRIDGE}. The mesh half is peer-runtime's
 * {@code TwoMemberMesh}. {@link #close} closes what the test opened through it, last opened first, then the server.
 */
public final class BridgeFixture implements AutoCloseable {
    public static final String KEY = "devkey";
    public static final String SECRET = "standin-secret-of-at-least-thirty-two-bytes";
    public static final String ROOM = "room1";
    /** The identity a bridge joins the room as. */
    public static final String BRIDGE = "meshwire-bridge";

    private final long waitMs;
    private final int port;
    private final String url;
    private final List<AutoCloseable> open = new ArrayList<>();
    private StandInServer server;

    private BridgeFixture(StandInServer server, int port, long waitMs) {
        this.server = server;
        this.port = port;
        this.url = server.url();
        this.waitMs = waitMs;
    }

    /** Starts the stand-in server; joins and bridge starts wait up to {@code waitMs}. */
    public static BridgeFixture start(long waitMs) throws Exception {
        StandInServer server = new StandInServer(KEY, SECRET);
        try {
            return new BridgeFixture(server, server.start(), waitMs);
        } catch (Exception | Error e) {
            server.close();
            throw e;
        }
    }

    /** The stand-in server now running (a new one after {@link #startServerAgain}). */
    public StandInServer server() {
        return server;
    }

    /** Closes the server as a crash would: every room connection goes. */
    public void stopServer() throws Exception {
        server.close();
    }

    /** A new stand-in server on the stopped one's port: the room URL stays the same. */
    public void startServerAgain() throws Exception {
        server = new StandInServer(KEY, SECRET);
        server.start(port);
    }

    /** A one-hour token for {@code identity} in {@link #ROOM}, signed with {@link #KEY}/{@link #SECRET}. */
    public static RoomToken token(String identity) {
        return new RoomToken.Minted(KEY, SECRET, ROOM, identity, Duration.ofHours(1));
    }

    /** {@link RoomConfig#of}'s defaults for {@code identity} in {@link #ROOM} at this fixture's server URL. */
    public RoomConfig config(String identity) {
        return RoomConfig.of(url, ROOM, identity);
    }

    /** A participant {@code identity} with the default room configuration, once it has joined. */
    public Participant participant(String identity) throws Exception {
        return participant(config(identity));
    }

    /** A participant joined with {@code config} (for {@link #ROOM}; its identity names the token), once it has joined. */
    public Participant participant(RoomConfig config) throws Exception {
        Participant p = new Participant();
        p.client = closing(new RoomClient(config, token(config.identity()), p));
        p.client.start().get(waitMs, TimeUnit.MILLISECONDS);
        return p;
    }

    /** The room a bridge joins: {@link #BRIDGE} in {@link #ROOM}, its default configuration changed by {@code adjust}. */
    public Function<RoomListener, RoomClient> bridgeRoom(UnaryOperator<RoomConfig> adjust) {
        return listener -> new RoomClient(adjust.apply(config(BRIDGE)), token(BRIDGE), listener);
    }

    /** A bridge over {@code daemon}'s IPC with an in-memory room queue, started (closed at the end). */
    public LiveKitBridge bridge(BridgeConfig config, IpcClient daemon) {
        return started(new LiveKitBridge(config, daemon, bridgeRoom(c -> c)));
    }

    /** Starts {@code bridge} (made with {@link #bridgeRoom}) and closes it at the end. */
    public LiveKitBridge started(LiveKitBridge bridge) {
        closing(bridge);
        bridge.start(waitMs);
        return bridge;
    }

    /** Closes {@code c} at the end, before what was opened before it. */
    public <T extends AutoCloseable> T closing(T c) {
        open.add(c);
        return c;
    }

    @Override
    public void close() throws Exception {
        try {
            for (int i = open.size() - 1; i >= 0; i--) open.get(i).close();
        } finally {
            server.close();
        }
    }

    /** A room participant that records what it receives. */
    public static final class Participant implements RoomListener {
        /** What it received, in order; read it holding this participant's lock. */
        public final List<RoomData> got = new ArrayList<>();
        public RoomClient client;

        public synchronized List<String> texts() {
            return got.stream().map(d -> new String(d.payload(), StandardCharsets.UTF_8)).toList();
        }

        @Override
        public synchronized void onData(RoomData d) {
            got.add(d);
        }

        /** The first packet whose payload is {@code text}, or null. */
        public synchronized RoomData find(String text) {
            return got.stream().filter(d -> new String(d.payload(), StandardCharsets.UTF_8).equals(text)).findFirst().orElse(null);
        }
    }
}
