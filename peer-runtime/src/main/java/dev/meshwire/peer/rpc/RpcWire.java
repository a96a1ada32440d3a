package dev.meshwire.peer.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.meshwire.peer.coordinator.MeshSession;
import dev.meshwire.peer.ipc.api.RpcError;
import dev.meshwire.signaling.crypto.CryptoException;
import dev.meshwire.signaling.crypto.PublicKey;
import dev.meshwire.signaling.crypto.SealedBody;
import dev.meshwire.signaling.envelope.Body;
import dev.meshwire.signaling.envelope.CanonicalJson;
import dev.meshwire.signaling.envelope.Channel;
import dev.meshwire.signaling.envelope.Envelope;
import dev.meshwire.signaling.envelope.EnvelopeSignature;
import dev.meshwire.signaling.envelope.Meta;
import dev.meshwire.signaling.envelope.Priority;
import dev.meshwire.signaling.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The rpc wire format (docs/protocol.md §12.3). A request is an Envelope v2 on channel {@code rpc}, target = the
 * callee's key, body version 1 (crypto_box of the UTF-8 JSON {@code {"method":M,"args":A}}), meta
 * {@code clientMessageId = "rpc:" + requestId}, {@code rpcCorrelationId = requestId}, {@code timeoutMs},
 * {@code expiresAt = createdAt + timeoutMs}, priority {@code now}. A response is the same channel back to the caller,
 * {@code rpcResponse = true}, the same {@code rpcCorrelationId}, a fresh {@code clientMessageId}
 * ({@code "rpc-answer:" + uuid}: an answer sent again from the cache is a new message), body version 1 over
 * {@code {"result":R}} or {@code {"error":{"code":C,"message":M}}}, and {@code expiresAt = createdAt + }
 * {@link #ANSWER_TTL_MS} so that a caller whose daemon was down still gets it when it comes back.
 */
public final class RpcWire {
    private RpcWire() {}

    /** The largest request ({@code {"method","args"}}) or answer body, as UTF-8 JSON: fits the relay's frames. */
    public static final int MAX_BODY_BYTES = 256 * 1024;
    /** How long an answer may wait in the coordinator's queue for a caller that is offline. */
    public static final long ANSWER_TTL_MS = 3_600_000;
    public static final String REQUEST_PREFIX = "rpc:";
    public static final String ANSWER_PREFIX = "rpc-answer:";
    /** A request id fits the 128-character client message id with its prefix. */
    public static final int MAX_REQUEST_ID = 128 - REQUEST_PREFIX.length();
    private static final Pattern METHOD = Pattern.compile("[A-Za-z0-9._:/-]{1,128}");

    /** A decoded request body. */
    public record Request(String method, JsonNode args) {}

    /** A decoded answer body: exactly one of result (null JSON allowed when {@code hasResult}) and error. */
    public record Answer(boolean hasResult, JsonNode result, RpcError error) {
        public static Answer ok(JsonNode result) {
            return new Answer(true, result == null ? JsonNodeFactory.instance.nullNode() : result, null);
        }

        public static Answer error(String code, String message) {
            return new Answer(false, null, new RpcError(code, message));
        }

        /** The canonical JSON body ({@code {"result":..}} or {@code {"error":{..}}}). */
        public String json() {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            if (hasResult) {
                o.set("result", result);
            } else {
                ObjectNode e = o.putObject("error");
                e.put("code", error.code());
                e.put("message", error.message());
            }
            return CanonicalJson.write(o);
        }

        /** Parses a stored or received answer body; a malformed one is an error answer that says so. */
        public static Answer parse(String json) {
            JsonNode n;
            try {
                n = Json.MAPPER.readTree(json);
            } catch (IOException e) {
                return error("bad_answer", "the answer is not JSON");
            }
            if (n == null || !n.isObject()) return error("bad_answer", "the answer is not a JSON object");
            if (n.has("result") && !n.has("error")) return ok(n.get("result"));
            JsonNode e = n.get("error");
            if (e != null && e.isObject() && e.path("code").isTextual() && !n.has("result")) {
                return new Answer(false, null, new RpcError(clip(e.path("code").asText(), 64), clip(e.path("message").asText(""), 1024)));
            }
            return error("bad_answer", "the answer has neither a result nor an error {code, message}");
        }
    }

    /** True when {@code method} is a valid method name. */
    public static boolean validMethod(String method) {
        return method != null && METHOD.matcher(method).matches();
    }

    public static String methodRule() {
        return "must be 1..128 characters of A-Z a-z 0-9 . _ : / -";
    }

    public static String newRequestId() {
        return UUID.randomUUID().toString();
    }

    /** The UTF-8 JSON of a request body. */
    public static byte[] requestBody(String method, JsonNode args) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("method", method);
        o.set("args", args == null ? JsonNodeFactory.instance.nullNode() : args);
        return CanonicalJson.write(o).getBytes(StandardCharsets.UTF_8);
    }

    /** The signed request envelope for {@code callee}. */
    public static Envelope request(MeshSession mesh, String callee, String requestId, byte[] body, long timeoutMs, long now) {
        Meta meta = new Meta(REQUEST_PREFIX + requestId, null, Priority.NOW, timeoutMs, null, null, null, requestId, null, null, null,
                now + timeoutMs, now);
        return sealed(mesh, callee, body, meta);
    }

    /** The signed answer envelope for {@code caller} (a fresh client message id each time). */
    public static Envelope answer(MeshSession mesh, String caller, String requestId, byte[] body, long now) {
        Meta meta = new Meta(ANSWER_PREFIX + UUID.randomUUID(), null, Priority.NOW, null, null, null, null, requestId, Boolean.TRUE,
                null, null, now + ANSWER_TTL_MS, now);
        return sealed(mesh, caller, body, meta);
    }

    private static Envelope sealed(MeshSession mesh, String to, byte[] body, Meta meta) {
        SealedBody s = mesh.cipher().seal(PublicKey.fromHex(to), body);
        Base64.Encoder b64 = Base64.getEncoder();
        Envelope unsigned = new Envelope(Envelope.VERSION, Channel.RPC, to, mesh.selfPubkey(),
                new Body(b64.encodeToString(s.nonce()), b64.encodeToString(s.ciphertext()), Body.TEXT_V1), meta, null);
        return EnvelopeSignature.sign(unsigned, mesh.identity());
    }

    /** Opens an rpc body (version 1, crypto_box from the sender); throws {@link RpcRefusal} with the reason. */
    public static byte[] open(MeshSession mesh, Envelope env) {
        if (env.body().bodyVersion() != Body.TEXT_V1) throw new RpcRefusal("rpc body version " + env.body().bodyVersion() + " (expected 1)");
        try {
            Base64.Decoder b64 = Base64.getDecoder();
            byte[] plain = mesh.cipher().open(PublicKey.fromHex(env.from()), b64.decode(env.body().nonce()), b64.decode(env.body().ciphertext()));
            if (plain.length > MAX_BODY_BYTES) throw new RpcRefusal("rpc body of " + plain.length + " bytes (limit " + MAX_BODY_BYTES + ")");
            return plain;
        } catch (IllegalArgumentException | CryptoException e) {
            throw new RpcRefusal("cannot decrypt the rpc body: " + e.getMessage());
        }
    }

    /** Parses a request body; a malformed one is an {@link RpcRefusal} whose reason the caller is answered with. */
    public static Request parseRequest(byte[] plain) {
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(plain);
        } catch (IOException e) {
            throw new RpcRefusal("the request body is not JSON");
        }
        if (n == null || !n.isObject()) throw new RpcRefusal("the request body is not a JSON object");
        String method = n.path("method").isTextual() ? n.get("method").asText() : null;
        if (!validMethod(method)) throw new RpcRefusal("the request's method " + methodRule());
        return new Request(method, n.has("args") ? n.get("args") : JsonNodeFactory.instance.nullNode());
    }

    static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "…";
    }

    /** An rpc envelope that cannot be used, with the reason. */
    public static final class RpcRefusal extends RuntimeException {
        public RpcRefusal(String reason) {
            super(reason, null, false, false);
        }
    }
}
