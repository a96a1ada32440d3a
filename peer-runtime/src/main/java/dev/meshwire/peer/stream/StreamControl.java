package dev.meshwire.peer.stream;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.signaling.Json;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Set;

/**
 * One control message of a stream (docs/protocol.md §12.4): the plaintext of a {@code stream} envelope without
 * {@code meta.streamChunkId}, a UTF-8 JSON object. Sender → receiver: {@code offer}, {@code cancel}; receiver →
 * sender: {@code accept}, {@code progress}, {@code done}, {@code reject}. An offer may name a {@code subpeer} of a receiving service. {@link #parse} refuses anything else with a
 * message (never a library's): unknown type or key, wrong types, out-of-range numbers.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StreamControl(String type, String name, Long size, String sha256, Integer chunkSize, Long offset, String code,
                            String message, String subpeer) {
    public static final String OFFER = "offer";
    public static final String CANCEL = "cancel";
    public static final String ACCEPT = "accept";
    public static final String PROGRESS = "progress";
    public static final String DONE = "done";
    public static final String REJECT = "reject";

    /** Reject / cancel codes. */
    public static final String DECLINED = "declined";
    public static final String CANCELLED = "cancelled";
    public static final String SHA256_MISMATCH = "sha256_mismatch";
    public static final String BAD_OFFER = "bad_offer";
    /** A held service's limit for a file for one of its sub-peers. */
    public static final String TOO_LARGE = "too_large";

    /** Bounds of the offer (docs/protocol.md §12.4). */
    public static final int MIN_CHUNK = 1024;
    public static final int MAX_CHUNK = 1024 * 1024;
    public static final int MAX_NAME_BYTES = 255;
    public static final int MAX_TEXT = 500;
    public static final int MAX_BYTES = 4096;

    private static final Set<String> KEYS = Set.of("type", "name", "size", "sha256", "chunkSize", "offset", "code", "message", "subpeer");

    public static StreamControl offer(String name, long size, String sha256, int chunkSize) {
        return offer(name, size, sha256, chunkSize, null);
    }

    /** An offer for the sub-peer {@code subpeer} (e.g. {@code lk:alice}) of the receiving service, or for the receiver itself when null. */
    public static StreamControl offer(String name, long size, String sha256, int chunkSize, String subpeer) {
        return new StreamControl(OFFER, name, size, sha256, chunkSize, null, null, null, subpeer);
    }

    public static StreamControl accept(long offset) {
        return new StreamControl(ACCEPT, null, null, null, null, offset, null, null, null);
    }

    public static StreamControl progress(long offset) {
        return new StreamControl(PROGRESS, null, null, null, null, offset, null, null, null);
    }

    public static StreamControl done(String sha256) {
        return new StreamControl(DONE, null, null, sha256, null, null, null, null, null);
    }

    public static StreamControl reject(String code, String message) {
        return new StreamControl(REJECT, null, null, null, null, null, code, clip(message), null);
    }

    public static StreamControl cancel(String message) {
        return new StreamControl(CANCEL, null, null, null, null, null, CANCELLED, clip(message), null);
    }

    public byte[] toBytes() {
        try {
            return Json.MAPPER.writeValueAsBytes(this);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses and checks a control plaintext; throws {@link IllegalArgumentException} with a short reason. */
    public static StreamControl parse(byte[] plain) {
        if (plain.length > MAX_BYTES) throw new IllegalArgumentException("control message of " + plain.length + " bytes (at most " + MAX_BYTES + ")");
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(new String(plain, StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalArgumentException("control message is not JSON");
        }
        if (n == null || !n.isObject()) throw new IllegalArgumentException("control message is not a JSON object");
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!KEYS.contains(k)) throw new IllegalArgumentException("control message has unknown key '" + clip(k) + "'");
        }
        String type = text(n, "type", 16);
        if (type == null) throw new IllegalArgumentException("control message without 'type'");
        StreamControl c = new StreamControl(type, text(n, "name", 4 * MAX_NAME_BYTES), number(n, "size"), text(n, "sha256", 64),
                n.has("chunkSize") ? Math.toIntExact(Math.min(Integer.MAX_VALUE, number(n, "chunkSize"))) : null, number(n, "offset"),
                text(n, "code", 64), text(n, "message", MAX_TEXT), text(n, "subpeer", 161));
        switch (type) {
            case OFFER -> {
                if (c.name == null || c.name.isBlank()) throw new IllegalArgumentException("offer without 'name'");
                if (c.name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) throw new IllegalArgumentException("offer name longer than " + MAX_NAME_BYTES + " bytes");
                if (c.size == null) throw new IllegalArgumentException("offer without 'size'");
                requireSha(c.sha256, "offer");
                if (c.subpeer != null && dev.meshwire.signaling.subpeer.SubpeerSet.nameProblem(c.subpeer) != null) {
                    throw new IllegalArgumentException("offer 'subpeer' is not a sub-peer name: " + dev.meshwire.signaling.subpeer.SubpeerSet.nameProblem(c.subpeer));
                }
                if (c.chunkSize == null || c.chunkSize < MIN_CHUNK || c.chunkSize > MAX_CHUNK) {
                    throw new IllegalArgumentException("offer chunkSize must be " + MIN_CHUNK + ".." + MAX_CHUNK);
                }
            }
            case ACCEPT, PROGRESS -> {
                if (c.offset == null) throw new IllegalArgumentException(type + " without 'offset'");
            }
            case DONE -> requireSha(c.sha256, "done");
            case REJECT, CANCEL -> {
                if (c.code == null) throw new IllegalArgumentException(type + " without 'code'");
            }
            default -> throw new IllegalArgumentException("unknown control type '" + clip(type) + "'");
        }
        return c;
    }

    private static void requireSha(String sha, String what) {
        if (sha == null || !sha.matches("[0-9a-f]{64}")) throw new IllegalArgumentException(what + " 'sha256' must be 64 lowercase hex");
    }

    private static String text(JsonNode n, String key, int max) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw new IllegalArgumentException("'" + key + "' must be a string");
        if (v.asText().length() > max) throw new IllegalArgumentException("'" + key + "' is longer than " + max + " characters");
        return v.asText();
    }

    private static Long number(JsonNode n, String key) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) return null;
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
            throw new IllegalArgumentException("'" + key + "' must be an integer ≥ 0");
        }
        return v.asLong();
    }

    static String clip(String s) {
        if (s == null) return null;
        return s.length() <= 200 ? s : s.substring(0, 200) + "…";
    }
}
