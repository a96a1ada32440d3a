package dev.meshwire.livekit.testserver;

import dev.meshwire.peer.p2p.NativeWebRtc;
import dev.onvoid.webrtc.PeerConnectionFactory;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A LiveKit-compatible stand-in server for tests: just enough of livekit-server for data bridging (docs/livekit.md,
 * "The stand-in server"). HTTP on 127.0.0.1:
 * <ul>
 *   <li>{@code GET /rtc} (WebSocket): the v0 (dual peer connection) signal path. The token comes as
 *       {@code Authorization: Bearer} (the Rust SDK) or {@code ?access_token=} (older SDKs). A bad token is refused
 *       with 401 and a one-line reason before the upgrade.</li>
 *   <li>{@code /rtc/v1}: 404, so the SDK falls back to {@code /rtc} (exactly what it does against a server without
 *       single peer connection support).</li>
 *   <li>{@code GET /rtc/validate}: 200 or 401 with the reason (the SDK calls it after a failed connect).</li>
 * </ul>
 */
public final class StandInServer implements AutoCloseable {
    static final String SERVER_VERSION = "1.9.0-meshwire-standin";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(StandInServer.class);

    private final Vertx vertx;
    private final TokenCheck tokens;
    private final PeerConnectionFactory factory;
    private final Map<String, StandInRoom> rooms = new ConcurrentHashMap<>();
    private final List<ParticipantSession> sessions = new ArrayList<>();
    private final Map<String, String> refusedRooms = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong forwarded = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong resumesRefused = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong resumesAccepted = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicInteger resumeRefusals = new java.util.concurrent.atomic.AtomicInteger();
    private final List<livekit.LivekitRtc.SyncState> syncStates = java.util.Collections.synchronizedList(new ArrayList<>());
    private HttpServer server;
    private boolean closed;
    private final String apiKey;
    private final String apiSecret;
    /** Tokens of the joins accepted so far, in order (test hook: which token a client joined with). */
    private final List<String> joinTokens = java.util.Collections.synchronizedList(new ArrayList<>());
    /** Tokens handed out as refresh_token so far, in order. */
    private final List<String> refreshTokens = java.util.Collections.synchronizedList(new ArrayList<>());

    /** A server for tokens minted with {@code apiKey}/{@code apiSecret}; {@link #start()} binds it. */
    public StandInServer(String apiKey, String apiSecret) {
        this.factory = NativeWebRtc.get().factory();
        if (factory == null) throw new IllegalStateException("WebRTC unavailable: " + NativeWebRtc.get().unavailableReason());
        this.vertx = Vertx.vertx();
        this.tokens = new TokenCheck(apiKey, apiSecret);
        this.apiKey = apiKey;
        this.apiSecret = apiSecret;
    }

    /** The tokens of the joins (and resumes) accepted so far, in order. */
    public List<String> joinTokens() {
        synchronized (joinTokens) {
            return List.copyOf(joinTokens);
        }
    }

    /** The tokens sent as {@code refresh_token} so far, in order (one after every join). */
    public List<String> refreshTokens() {
        synchronized (refreshTokens) {
            return List.copyOf(refreshTokens);
        }
    }

    /** A fresh token with the grant's identity, name, room and data permission, valid 10 minutes. */
    private String mintRefresh(TokenCheck.Grant grant) {
        io.livekit.server.AccessToken t = new io.livekit.server.AccessToken(apiKey, apiSecret);
        t.setIdentity(grant.identity());
        t.setName(grant.name());
        t.setTtl(TimeUnit.MINUTES.toMillis(10));
        t.addGrants(new io.livekit.server.RoomJoin(true), new io.livekit.server.RoomName(grant.room()),
                new io.livekit.server.CanPublishData(grant.canPublishData()), new io.livekit.server.CanSubscribe(grant.canSubscribe()));
        String jwt = t.toJwt();
        refreshTokens.add(jwt);
        return jwt;
    }

    /** Binds an ephemeral port on 127.0.0.1 and returns it. */
    public int start() throws Exception {
        return start(0);
    }

    /** Binds {@code port} (0: ephemeral) on 127.0.0.1 and returns the port bound; a restarted server reuses its port. */
    public int start(int port) throws Exception {
        server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port).setReuseAddress(true)
                        .setMaxWebSocketMessageSize(ParticipantSession.MAX_SIGNAL_BYTES)
                        .setMaxWebSocketFrameSize(ParticipantSession.MAX_SIGNAL_BYTES))
                .requestHandler(this::onRequest);
        server.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        return server.actualPort();
    }

    /** The ws:// URL clients connect to. */
    public String url() {
        return "ws://127.0.0.1:" + server.actualPort();
    }

    /**
     * From now on, joins to {@code room} are refused before the upgrade with 404 and {@code reason}, as
     * livekit-server refuses a room that does not exist when automatic room creation is off.
     */
    public void refuseJoins(String room, String reason) {
        refusedRooms.put(room, reason);
    }

    /** Data packet copies handed to recipients so far (one per recipient). */
    public long packetsForwarded() {
        return forwarded.get();
    }

    /** Resume attempts answered with leave(RECONNECT) so far (the session was gone, or {@link #refuseNextResumes}). */
    public long resumesRefused() {
        return resumesRefused.get();
    }

    /** Participants now in {@code room} (0 if it does not exist). */
    public int participants(String room) {
        StandInRoom r = rooms.get(room);
        return r == null ? 0 : r.size();
    }

    private void onRequest(HttpServerRequest req) {
        String path = req.path();
        if (path.equals("/rtc/validate")) {
            try {
                tokens.verify(token(req));
                req.response().setStatusCode(200).end("success");
            } catch (TokenCheck.Rejected e) {
                req.response().setStatusCode(401).end(e.getMessage());
            }
            return;
        }
        if (!path.equals("/rtc") && !path.equals("/rtc/")) {
            req.response().setStatusCode(404).end("not found");
            return;
        }
        TokenCheck.Grant grant;
        try {
            grant = tokens.verify(token(req));
        } catch (TokenCheck.Rejected e) {
            req.response().setStatusCode(401).end(e.getMessage());
            return;
        }
        String refused = refusedRooms.get(grant.room());
        if (refused != null) {
            req.response().setStatusCode(404).end(refused);
            return;
        }
        if ("1".equals(req.getParam("reconnect"))) {
            // A resume of a live session (its signal connection dropped, its peer connections may still be up): the
            // session named by sid continues on the new socket. One that is gone (left, timed out, or the server was
            // restarted) gets a leave asking for a full reconnect, as livekit-server answers; the SDK then joins afresh.
            StandInRoom known = rooms.get(grant.room());
            String sid = req.getParam("sid") == null ? "" : req.getParam("sid");
            ParticipantSession live = known == null ? null : known.session(grant.identity(), sid);
            String resumeToken = token(req);
            req.toWebSocket().onSuccess(ws -> {
                if (live == null || !live.resumable() || resumeRefusals.get() > 0 && resumeRefusals.getAndDecrement() > 0) {
                    resumesRefused.incrementAndGet();
                    refuseResume(ws);
                    return;
                }
                joinTokens.add(resumeToken);
                live.resume(ws, () -> known.others(live), resumesAccepted::incrementAndGet);
            });
            return;
        }
        StandInRoom room = rooms.computeIfAbsent(grant.room(), n -> new StandInRoom(n, "RM_" + randomId(), forwarded));
        String joinToken = token(req);
        req.toWebSocket().onSuccess(ws -> {
            joinTokens.add(joinToken);
            ParticipantSession s = new ParticipantSession(ws, room, grant, "PA_" + randomId(), factory, syncStates::add);
            s.refreshTokenAfterJoin(mintRefresh(grant));
            synchronized (sessions) {
                sessions.add(s);
            }
            s.start();
        }).onFailure(e -> {
            LOG.warn("signal WebSocket upgrade failed: {}", e.toString());
            if (!req.response().ended()) req.response().setStatusCode(400).end("WebSocket upgrade required");
        });
    }

    /** Answers a resume with leave(RECONNECT) and closes the socket: the client must join afresh. */
    static void refuseResume(io.vertx.core.http.ServerWebSocket ws) {
        ws.writeBinaryMessage(io.vertx.core.buffer.Buffer.buffer(livekit.LivekitRtc.SignalResponse.newBuilder()
                .setLeave(livekit.LivekitRtc.LeaveRequest.newBuilder().setCanReconnect(true)
                        .setAction(livekit.LivekitRtc.LeaveRequest.Action.RECONNECT)
                        .setReason(livekit.LivekitModels.DisconnectReason.STATE_MISMATCH))
                .build().toByteArray()));
        ws.close();
    }

    /** Resumes of a live session accepted so far (answered with a ReconnectResponse). */
    public long resumesAccepted() {
        return resumesAccepted.get();
    }

    /** The next {@code n} resume attempts are answered with leave(RECONNECT) even for a live session. */
    public void refuseNextResumes(int n) {
        resumeRefusals.set(n);
    }

    /** SyncState messages received from resuming clients so far, in order. */
    public List<livekit.LivekitRtc.SyncState> syncStates() {
        synchronized (syncStates) {
            return List.copyOf(syncStates);
        }
    }

    /**
     * Test hook: closes {@code identity}'s signal WebSocket in {@code room} from the server side, without a leave, as a
     * network failure would. Its peer connections stay up and the session can be resumed for
     * {@link ParticipantSession#RESUME_GRACE_MS}. False if there is no such participant.
     */
    public boolean dropSignal(String room, String identity) {
        StandInRoom r = rooms.get(room);
        ParticipantSession s = r == null ? null : r.current(identity);
        if (s == null) return false;
        s.dropSignal();
        return true;
    }

    private static String token(HttpServerRequest req) {
        String auth = req.getHeader("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) return auth.substring(7).trim();
        return req.getParam("access_token");
    }

    private static String randomId() {
        byte[] b = new byte[6];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    @Override
    public synchronized void close() throws Exception {
        if (closed) return;
        closed = true;
        // Stop accepting first: SDKs reconnect at once, and a connection accepted while Vert.x shuts down only logs noise.
        if (server != null) server.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        List<ParticipantSession> all;
        synchronized (sessions) {
            all = new ArrayList<>(sessions);
            sessions.clear();
        }
        for (ParticipantSession s : all) s.shutdown();
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
