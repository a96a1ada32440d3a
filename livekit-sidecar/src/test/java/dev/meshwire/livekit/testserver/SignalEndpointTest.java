package dev.meshwire.livekit.testserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.livekit.server.AccessToken;
import io.livekit.server.RoomJoin;
import io.livekit.server.RoomName;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import livekit.LivekitRtc;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The stand-in's signal endpoint over a real WebSocket, at the edges the SDK test does not reach: refusals before the
 * upgrade, the v1 path, a join response's shape, ping/pong, and a malformed signal message.
 */
class SignalEndpointTest {
    private static final String KEY = "devkey";
    private static final String SECRET = "standin-secret-of-at-least-thirty-two-bytes";
    private StandInServer server;
    private Vertx vertx;
    /** Held in a field: Vert.x closes a client that becomes unreachable, even mid-handshake. */
    private io.vertx.core.http.WebSocketClient client;
    private io.vertx.core.http.HttpClient http;
    private int port;

    @BeforeEach
    void start() throws Exception {
        server = new StandInServer(KEY, SECRET);
        port = server.start();
        vertx = Vertx.vertx();
        client = vertx.createWebSocketClient();
        http = vertx.createHttpClient();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        server.close();
    }

    private static String token(String identity) {
        AccessToken t = new AccessToken(KEY, SECRET);
        t.setIdentity(identity);
        t.addGrants(new RoomJoin(true), new RoomName("r1"));
        return t.toJwt();
    }

    private <T> T await(io.vertx.core.Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    @Test
    void badTokenIsRefusedBeforeTheUpgradeWithAReason() throws Exception {
        WebSocketConnectOptions o = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/rtc?access_token=nope");
        Throwable e = await(client.connect(o).map(ws -> (Throwable) null).otherwise(t -> t));
        assertTrue(e instanceof UpgradeRejectedException, String.valueOf(e));
        assertEquals(401, ((UpgradeRejectedException) e).getStatus());

        String r = await(http.request(new RequestOptions().setMethod(HttpMethod.GET)
                .setHost("127.0.0.1").setPort(port).setURI("/rtc/validate?access_token=nope"))
                .compose(req -> req.send().compose(resp -> resp.body().map(b -> resp.statusCode() + " " + b))));
        assertEquals("401 invalid access token: JWTDecode", r);
        assertEquals(0, server.participants("r1"));
    }

    @Test
    void theV1PathIsAbsentSoSdksFallBack() throws Exception {
        WebSocketConnectOptions o = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
                .setURI("/rtc/v1?join_request=x").addHeader("Authorization", "Bearer " + token("alice"));
        Throwable e = await(client.connect(o).map(ws -> (Throwable) null).otherwise(t -> t));
        assertEquals(404, ((UpgradeRejectedException) e).getStatus());
    }

    @Test
    void joinResponseThenPongThenLeaveOnAMalformedMessage() throws Exception {
        WebSocketConnectOptions o = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
                .setURI("/rtc?protocol=16").addHeader("Authorization", "Bearer " + token("alice"));
        java.util.concurrent.LinkedBlockingQueue<LivekitRtc.SignalResponse> in = new java.util.concurrent.LinkedBlockingQueue<>();
        CompletableFuture<Void> closed = new CompletableFuture<>();
        WebSocket ws = await(client.connect(o));
        ws.binaryMessageHandler(b -> {
            try {
                in.add(LivekitRtc.SignalResponse.parseFrom(b.getBytes()));
            } catch (Exception ex) {
                closed.completeExceptionally(ex);
            }
        });
        ws.closeHandler(v -> closed.complete(null));

        LivekitRtc.SignalResponse first = in.poll(60, TimeUnit.SECONDS);
        assertEquals(LivekitRtc.SignalResponse.MessageCase.JOIN, first.getMessageCase(), String.valueOf(first));
        LivekitRtc.JoinResponse join = first.getJoin();
        assertEquals("alice", join.getParticipant().getIdentity());
        assertTrue(join.getParticipant().getSid().startsWith("PA_"));
        assertTrue(join.getRoom().getSid().startsWith("RM_"));
        assertEquals("r1", join.getRoom().getName());
        assertTrue(join.getSubscriberPrimary());
        assertTrue(join.getPingInterval() > 0 && join.getPingTimeout() > join.getPingInterval());

        ws.writeBinaryMessage(Buffer.buffer(LivekitRtc.SignalRequest.newBuilder()
                .setPingReq(LivekitRtc.Ping.newBuilder().setTimestamp(1234)).build().toByteArray()));
        assertTrue(next(in, LivekitRtc.SignalResponse.MessageCase.PONG_RESP).getPongResp().getLastPingTimestamp() == 1234);

        ws.writeBinaryMessage(Buffer.buffer(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff}));
        LivekitRtc.LeaveRequest leave = next(in, LivekitRtc.SignalResponse.MessageCase.LEAVE).getLeave();
        assertEquals(LivekitRtc.LeaveRequest.Action.DISCONNECT, leave.getAction());
        closed.get(60, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (server.participants("r1") != 0 && System.nanoTime() < deadline) Thread.sleep(50);
        assertEquals(0, server.participants("r1"));
    }

    /** The next response of {@code kind}, skipping others (the subscriber offer and its candidates interleave). */
    private static LivekitRtc.SignalResponse next(java.util.concurrent.BlockingQueue<LivekitRtc.SignalResponse> in,
                                                  LivekitRtc.SignalResponse.MessageCase kind) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            LivekitRtc.SignalResponse r = in.poll(1, TimeUnit.SECONDS);
            if (r != null && r.getMessageCase() == kind) return r;
        }
        throw new AssertionError("no " + kind + " within 60 s");
    }
}
