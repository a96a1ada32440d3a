package dev.meshwire.livekit.room;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import livekit.LivekitRtc.SignalRequest;
import livekit.LivekitRtc.SignalResponse;

/**
 * One LiveKit signal WebSocket ({@code /rtc?access_token=…}): binary protobuf {@link SignalRequest} out,
 * {@link SignalResponse} in. It only moves messages; {@link RoomSession} gives them meaning.
 *
 * <p>Sends are serialised (the JDK WebSocket allows one outstanding send). Received messages are handed to
 * {@code onMessage} on the JDK's WebSocket thread, which must not block; the owner re-posts them.
 */
final class SignalLink {
    /** The LiveKit signalling protocol version this client speaks (protocol repo, ProtocolVersion). */
    static final int PROTOCOL = 15;
    /** A signal message larger than this is refused (a join response of a big room is far below it). */
    static final int MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

    private final WebSocket ws;
    private CompletableFuture<?> sendChain = CompletableFuture.completedFuture(null);

    private SignalLink(WebSocket ws) {
        this.ws = ws;
    }

    /** The {@code /rtc} address for {@code url} (ws://, wss://, http:// or https://, with or without a path). */
    static URI rtcUri(String url, String token) {
        return rtcUri(url, token, null);
    }

    /**
     * As {@link #rtcUri(String, String)}; with {@code resumeSid}, the resume form LiveKit's SDKs use after a signal
     * drop: {@code reconnect=1&sid=<our participant sid>&reconnect_reason=…}.
     */
    static URI rtcUri(String url, String token, String resumeSid) {
        String base = url.strip();
        if (base.startsWith("http://")) base = "ws://" + base.substring(7);
        else if (base.startsWith("https://")) base = "wss://" + base.substring(8);
        if (!base.startsWith("ws://") && !base.startsWith("wss://")) {
            throw new RoomException("the LiveKit URL must start with ws://, wss://, http:// or https://: " + url);
        }
        while (base.endsWith("/")) base = base.substring(0, base.length() - 1);
        String q = "access_token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)
                + "&auto_subscribe=1&sdk=meshwire-java&version=0.1.0&protocol=" + PROTOCOL
                + (resumeSid == null ? "" : "&reconnect=1&sid=" + URLEncoder.encode(resumeSid, StandardCharsets.UTF_8)
                        + "&reconnect_reason=" + livekit.LivekitModels.ReconnectReason.RR_SIGNAL_DISCONNECTED_VALUE);
        try {
            return URI.create(base + "/rtc?" + q);
        } catch (IllegalArgumentException e) {
            throw new RoomException("the LiveKit URL is not valid: " + url);
        }
    }

    /**
     * Opens the WebSocket. Completes exceptionally with {@link RoomException} carrying the server's reason when
     * the upgrade is refused (a bad or expired token, a room that does not admit us), asking {@code /rtc/validate}
     * for the reason as LiveKit's own SDKs do.
     */
    static CompletableFuture<SignalLink> open(HttpClient http, String url, String token, Duration timeout,
                                              Consumer<SignalResponse> onMessage, Consumer<String> onClosed) {
        return open(http, url, token, null, timeout, onMessage, onClosed);
    }

    /** As {@link #open(HttpClient, String, String, Duration, Consumer, Consumer)}; a resume when {@code resumeSid} is set. */
    static CompletableFuture<SignalLink> open(HttpClient http, String url, String token, String resumeSid, Duration timeout,
                                              Consumer<SignalResponse> onMessage, Consumer<String> onClosed) {
        URI uri = rtcUri(url, token, resumeSid);
        Receiver receiver = new Receiver(onMessage, onClosed);
        return http.newWebSocketBuilder().connectTimeout(timeout).buildAsync(uri, receiver)
                .thenApply(SignalLink::new)
                .exceptionallyCompose(t -> CompletableFuture.failedFuture(refusal(http, uri, t, timeout)));
    }

    private static RoomException refusal(HttpClient http, URI rtc, Throwable t, Duration timeout) {
        Throwable cause = t;
        while ((cause instanceof java.util.concurrent.CompletionException || cause instanceof java.util.concurrent.ExecutionException)
                && cause.getCause() != null) cause = cause.getCause();
        if (cause instanceof WebSocketHandshakeException h) {
            int status = h.getResponse().statusCode();
            String reason = validateReason(http, rtc, timeout);
            return new RoomException("the LiveKit server refused the join (HTTP " + status + ")"
                    + (reason.isEmpty() ? "" : ": " + reason), status >= 400 && status < 500);
        }
        String what = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return new RoomException("cannot reach the LiveKit server at " + rtc.getScheme() + "://" + rtc.getAuthority() + ": " + what);
    }

    /** GET /rtc/validate with the same query: LiveKit answers the reason of a refusal as text. Empty if unknown. */
    private static String validateReason(HttpClient http, URI rtc, Duration timeout) {
        try {
            String scheme = rtc.getScheme().equals("wss") ? "https" : "http";
            URI validate = URI.create(scheme + "://" + rtc.getRawAuthority() + rtc.getRawPath() + "/validate?" + rtc.getRawQuery());
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(validate).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            String body = r.body() == null ? "" : r.body().strip().replace('\n', ' ');
            return body.length() > 300 ? body.substring(0, 300) : body;
        } catch (Exception e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            return "";
        }
    }

    /** Sends one request; requests go out in call order. Thread-safe. */
    synchronized CompletableFuture<?> send(SignalRequest request) {
        ByteBuffer bytes = ByteBuffer.wrap(request.toByteArray());
        sendChain = sendChain.handle((v, t) -> null).thenCompose(v -> ws.sendBinary(bytes, true));
        return sendChain;
    }

    /** Closes the socket politely (status 1000) and aborts it if the close does not finish quickly. */
    void close() {
        try {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "").orTimeout(2, TimeUnit.SECONDS).whenComplete((v, t) -> ws.abort());
        } catch (RuntimeException e) {
            ws.abort();
        }
    }

    /** Drops the socket at once (no close handshake). */
    void abort() {
        ws.abort();
    }

    private static final class Receiver implements WebSocket.Listener {
        private final Consumer<SignalResponse> onMessage;
        private final Consumer<String> onClosed;
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
        private boolean closedReported;

        Receiver(Consumer<SignalResponse> onMessage, Consumer<String> onClosed) {
            this.onMessage = onMessage;
            this.onClosed = onClosed;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            if (partial.size() + data.remaining() > MAX_MESSAGE_BYTES) {
                ws.abort();
                closed("the server sent a signal message over " + MAX_MESSAGE_BYTES + " bytes");
                return null;
            }
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            partial.writeBytes(chunk);
            if (last) {
                byte[] whole = partial.toByteArray();
                partial.reset();
                try {
                    onMessage.accept(SignalResponse.parseFrom(whole));
                } catch (InvalidProtocolBufferException e) {
                    ws.abort();
                    closed("the server sent a signal message that is not a SignalResponse");
                    return null;
                }
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            // LiveKit's JSON signalling is not what we asked for; ignore rather than guess.
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed("the signal connection closed (" + statusCode + (reason == null || reason.isEmpty() ? "" : " " + reason) + ")");
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed("the signal connection failed: " + (error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage()));
        }

        private synchronized void closed(String why) {
            if (closedReported) return;
            closedReported = true;
            onClosed.accept(why);
        }
    }
}
