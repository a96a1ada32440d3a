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

    private final Vertx vertx;
    private final TokenCheck tokens;
    private final PeerConnectionFactory factory;
    private final Map<String, StandInRoom> rooms = new ConcurrentHashMap<>();
    private final List<ParticipantSession> sessions = new ArrayList<>();
    private HttpServer server;

    /** A server for tokens minted with {@code apiKey}/{@code apiSecret}; {@link #start()} binds it. */
    public StandInServer(String apiKey, String apiSecret) {
        this.factory = NativeWebRtc.get().factory();
        if (factory == null) throw new IllegalStateException("WebRTC unavailable: " + NativeWebRtc.get().unavailableReason());
        this.vertx = Vertx.vertx();
        this.tokens = new TokenCheck(apiKey, apiSecret);
    }

    /** Binds an ephemeral port on 127.0.0.1 and returns it. */
    public int start() throws Exception {
        server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0)
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
        StandInRoom room = rooms.computeIfAbsent(grant.room(), n -> new StandInRoom(n, "RM_" + randomId()));
        req.toWebSocket().onSuccess(ws -> {
            ParticipantSession s = new ParticipantSession(ws, room, grant, "PA_" + randomId(), factory);
            synchronized (sessions) {
                sessions.add(s);
            }
            s.start();
        }).onFailure(e -> req.response().setStatusCode(400).end("WebSocket upgrade required"));
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
    public void close() throws Exception {
        synchronized (sessions) {
            sessions.forEach(ParticipantSession::shutdown);
        }
        if (server != null) server.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
