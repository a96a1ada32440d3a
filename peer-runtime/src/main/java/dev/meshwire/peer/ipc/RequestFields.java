package dev.meshwire.peer.ipc;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.ipc.api.ErrorFields;
import dev.meshwire.signaling.Json;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The strict reader of an IPC request body (a JSON object) and of query parameters. Every refusal is
 * {@code bad_request} naming the field and the rule ({@code field 'uses' must be an integer between 1
 * and 1000}) and carries {@code "field"} in the error object; no message names a Java or JSON library
 * type. Absent and {@code null} mean "not given"; unknown fields are ignored (docs/ipc.md).
 */
final class RequestFields {
    /** Duplicate keys are refused, and so is anything after the object. */
    private static final ObjectReader READER = Json.MAPPER.reader()
            .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    /** 9999-12-31T23:59:59.999Z: the largest epoch-ms time a field may carry. */
    static final long MAX_EPOCH_MS = 253_402_300_799_999L;

    private final JsonNode body;

    private RequestFields(JsonNode body) {
        this.body = body;
    }

    /** An empty body counts as {@code {}}. */
    static RequestFields parse(byte[] bytes) {
        if (bytes == null || bytes.length == 0) return new RequestFields(Json.MAPPER.createObjectNode());
        String s;
        try {
            s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new PeerException(PeerException.BAD_REQUEST, "the request body is not valid UTF-8");
        }
        if (s.isBlank()) return new RequestFields(Json.MAPPER.createObjectNode());
        JsonNode n;
        try {
            n = READER.readTree(s);
        } catch (JsonParseException e) {
            String msg = e.getOriginalMessage();
            if (msg != null && msg.startsWith("Duplicate field '")) {
                String f = msg.substring("Duplicate field '".length(), Math.max(msg.indexOf('\'', 17), 17));
                throw bad(clip(f), "is given more than once");
            }
            throw new PeerException(PeerException.BAD_REQUEST, "the request body is not valid JSON" + where(e));
        } catch (JsonProcessingException e) {
            throw new PeerException(PeerException.BAD_REQUEST, "the request body is not valid JSON" + where(e));
        }
        if (n == null || !n.isObject()) throw new PeerException(PeerException.BAD_REQUEST, "the request body must be a JSON object");
        // The strict UTF-8 decode above leaves no unpaired surrogate in s: only a JSON escape (backslash, u, four hex
        // digits) can make one, so a body with no backslash-u at all needs no walk over its strings (the common case).
        if (s.indexOf("\\u") >= 0) checkStrings(n, null);
        return new RequestFields(n);
    }

    /** Every string and key of the body is valid Unicode (a lone surrogate would silently become '?'). */
    private static void checkStrings(JsonNode n, String path) {
        if (n.isTextual()) {
            checkUnicode(path, n.textValue());
        } else if (n.isObject()) {
            for (var it = n.fields(); it.hasNext(); ) {
                var e = it.next();
                String p = path == null ? clip(e.getKey()) : path + "." + clip(e.getKey());
                checkUnicode(p, e.getKey());
                checkStrings(e.getValue(), p);
            }
        } else if (n.isArray()) {
            for (JsonNode x : n) checkStrings(x, path);
        }
    }

    private static String where(JsonProcessingException e) {
        var loc = e.getLocation();
        return loc == null || loc.getLineNr() < 1 ? "" : " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
    }

    /** A bad_request naming the field: {@code field 'x' <rule>}. */
    static PeerException bad(String field, String rule) {
        return new PeerException(PeerException.BAD_REQUEST, "field '" + field + "' " + rule, List.of(), ErrorFields.field(field));
    }

    private JsonNode given(String field) {
        JsonNode n = body.get(field);
        return n == null || n.isNull() ? null : n;
    }

    /** An optional string (may be empty), or null. */
    String string(String field) {
        JsonNode n = given(field);
        if (n == null) return null;
        if (!n.isTextual()) throw bad(field, "must be a string");
        return n.textValue();
    }

    /** An optional id or name: when given, a string that is not empty or blank. */
    String name(String field) {
        String s = string(field);
        if (s != null && s.isBlank()) throw bad(field, "must not be empty");
        return s;
    }

    /** A required id or name: a string that is not empty or blank. */
    String requiredName(String field) {
        String s = name(field);
        if (s == null) throw bad(field, "is required");
        return s;
    }

    /** A required string (may be empty). */
    String requiredString(String field) {
        String s = string(field);
        if (s == null) throw bad(field, "is required");
        return s;
    }

    /** An optional string out of {@code allowed}, or null. */
    String oneOf(String field, List<String> allowed) {
        String s = string(field);
        if (s != null && !allowed.contains(s)) throw bad(field, "must be one of " + String.join(", ", allowed) + " (got '" + clip(s) + "')");
        return s;
    }

    /** An optional integer in [min, max] (a JSON integer: not a string, not 2.5), else {@code dflt}. */
    long integer(String field, long min, long max, long dflt) {
        Long v = integer(field, min, max);
        return v == null ? dflt : v;
    }

    /** An optional integer in [min, max], or null. */
    Long integer(String field, long min, long max) {
        JsonNode n = given(field);
        if (n == null) return null;
        String range = "between " + min + " and " + max;
        if (!n.isIntegralNumber()) throw bad(field, "must be an integer " + range);
        if (!n.canConvertToLong() || n.longValue() < min || n.longValue() > max) {
            throw bad(field, "must be an integer " + range + " (got " + clip(n.asText()) + ")");
        }
        return n.longValue();
    }

    /** An optional array of strings (at most 64), or null. */
    List<String> stringList(String field) {
        JsonNode n = given(field);
        if (n == null) return null;
        if (!n.isArray()) throw bad(field, "must be an array of strings");
        if (n.size() > 64) throw bad(field, "must have at most 64 entries");
        List<String> out = new java.util.ArrayList<>();
        for (JsonNode e : n) {
            if (!e.isTextual()) throw bad(field, "must be an array of strings");
            out.add(e.textValue());
        }
        return out;
    }

    /** An optional boolean, else {@code dflt}. */
    boolean bool(String field, boolean dflt) {
        JsonNode n = given(field);
        if (n == null) return dflt;
        if (!n.isBoolean()) throw bad(field, "must be true or false");
        return n.booleanValue();
    }

    /** A required array of at most {@code max} strings (each may be empty). */
    java.util.List<String> requiredStrings(String field, int max) {
        JsonNode n = given(field);
        if (n == null) throw bad(field, "is required");
        if (!n.isArray()) throw bad(field, "must be an array of strings");
        if (n.size() > max) throw bad(field, "must have at most " + max + " items");
        java.util.List<String> out = new java.util.ArrayList<>();
        for (JsonNode x : n) {
            if (!x.isTextual()) throw bad(field, "must be an array of strings");
            out.add(x.textValue());
        }
        return java.util.List.copyOf(out);
    }

    /** An optional object of at most {@code max} string values (absent: empty). */
    java.util.Map<String, String> stringMap(String field, int max) {
        JsonNode n = object(field);
        if (n == null) return java.util.Map.of();
        if (n.size() > max) throw bad(field, "must have at most " + max + " entries");
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        for (var it = n.fields(); it.hasNext(); ) {
            var e = it.next();
            if (!e.getValue().isTextual()) throw bad(field + "." + clip(e.getKey()), "must be a string");
            out.put(e.getKey(), e.getValue().textValue());
        }
        return java.util.Collections.unmodifiableMap(out);
    }

    /**
     * A required array of 1..{@code max} JSON objects, each read with the same strict rules (fields named as within
     * the item).
     */
    List<RequestFields> objects(String field, int max) {
        JsonNode n = given(field);
        if (n == null) throw bad(field, "is required");
        if (!n.isArray()) throw bad(field, "must be an array of objects");
        if (n.isEmpty() || n.size() > max) throw bad(field, "must have 1.." + max + " items (got " + n.size() + ")");
        List<RequestFields> out = new java.util.ArrayList<>(n.size());
        for (JsonNode x : n) {
            if (!x.isObject()) throw bad(field, "must be an array of objects");
            out.add(new RequestFields(x));
        }
        return out;
    }

    /** A required boolean. */
    boolean requiredBool(String field) {
        if (given(field) == null) throw bad(field, "is required");
        return bool(field, false);
    }

    /** Any JSON value given for {@code field} (objects, arrays, scalars), or null when absent or null. */
    JsonNode any(String field) {
        return given(field);
    }

    /** An optional JSON object, or null. */
    JsonNode object(String field) {
        JsonNode n = given(field);
        if (n != null && !n.isObject()) throw bad(field, "must be a JSON object");
        return n;
    }

    /** A lone surrogate cannot be encoded as UTF-8: it would silently become '?'. */
    static void checkUnicode(String field, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw bad(field, "must be valid Unicode (unpaired surrogate at index " + i + ")");
            }
        }
    }

    /** Echoed values are cut to 64 characters. */
    static String clip(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "…";
    }

    // Query parameters: strings by nature; given twice is refused.

    static String query(io.vertx.core.http.HttpServerRequest req, String name) {
        List<String> all = req.params().getAll(name);
        if (all.isEmpty()) return null;
        if (all.size() > 1) throw badQuery(name, "is given more than once");
        return all.get(0);
    }

    /** An optional mesh-like name in the query: when given, not empty. */
    static String queryName(io.vertx.core.http.HttpServerRequest req, String name) {
        String v = query(req, name);
        if (v != null && v.isBlank()) throw badQuery(name, "must not be empty");
        return v;
    }

    static int queryInt(io.vertx.core.http.HttpServerRequest req, String name, int min, int max, int dflt) {
        String v = query(req, name);
        if (v == null) return dflt;
        int x;
        try {
            x = Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw badQuery(name, "must be an integer between " + min + " and " + max + " (got '" + clip(v) + "')");
        }
        if (x < min || x > max) throw badQuery(name, "must be an integer between " + min + " and " + max + " (got " + x + ")");
        return x;
    }

    /** {@code ?unread}, {@code ?unread=true|1} → true; {@code false|0} or absent → false; anything else refused. */
    static boolean queryBool(io.vertx.core.http.HttpServerRequest req, String name) {
        String v = query(req, name);
        if (v == null) return false;
        return switch (v) {
            case "", "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw badQuery(name, "must be true or false (got '" + clip(v) + "')");
        };
    }

    /** An optional query value that must be one of {@code allowed}; absent → null. */
    static String queryOneOf(io.vertx.core.http.HttpServerRequest req, String name, List<String> allowed) {
        String v = query(req, name);
        if (v == null || allowed.contains(v)) return v;
        throw badQuery(name, "must be one of " + String.join(", ", allowed) + " (got '" + clip(v) + "')");
    }

    static PeerException badQuery(String name, String rule) {
        return new PeerException(PeerException.BAD_REQUEST, "query parameter '" + name + "' " + rule, List.of(), ErrorFields.field(name));
    }
}
