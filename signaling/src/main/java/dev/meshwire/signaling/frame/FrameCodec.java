package dev.meshwire.signaling.frame;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import dev.meshwire.signaling.Json;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Encodes frames to JSON text and decodes JSON text to frames with precise errors.
 *
 * <p>Decoding is strict (docs/protocol.md §1): every field must have the JSON type its record declares —
 * an integer field takes a JSON integer (not {@code "2"}, {@code 2.5} or {@code 2.0}), a string field a
 * JSON string (not a number or boolean), a boolean field {@code true}/{@code false}, an object an object
 * and a list an array (whose elements are not null); JSON {@code null} is the same as an absent field, except
 * for the integer and boolean fields of a record (e.g. {@code envelope.v}), which are required. A request {@code id} is a string of at most {@link #MAX_ID_CHARS}
 * characters. A refusal's message names the frame, the field's path and the rule, e.g.
 * {@code send: field 'envelope.v' must be an integer} — never a Java type or parser text.
 *
 * <p>The frame mapper is this codec's own: {@link Json#MAPPER} (IPC, storage) keeps its settings.
 */
public final class FrameCodec {
    /** Longest request {@code id} that is accepted (and echoed exactly). */
    public static final int MAX_ID_CHARS = 64;

    private static final Map<String, Class<?>> TYPES = Arrays.stream(Frame.class.getAnnotation(JsonSubTypes.class).value())
            .collect(Collectors.toUnmodifiableMap(JsonSubTypes.Type::name, JsonSubTypes.Type::value));
    private static final Set<String> KNOWN_TYPES = TYPES.keySet();

    /**
     * The wire mapper: like {@link Json#MAPPER}, but it never coerces one JSON type into another and refuses
     * duplicate keys. The schema check in {@link #decode} already refuses ill-typed fields with a clear
     * message; this keeps the decoding itself strict as well.
     */
    private static final ObjectMapper STRICT = strictMapper();

    private static ObjectMapper strictMapper() {
        JsonMapper m = JsonMapper.builder()
                .serializationInclusion(JsonInclude.Include.NON_NULL)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .build();
        for (LogicalType t : List.of(LogicalType.Integer, LogicalType.Float, LogicalType.Boolean, LogicalType.Textual)) {
            m.coercionConfigFor(t)
                    .setCoercion(CoercionInputShape.String, t == LogicalType.Textual ? CoercionAction.TryConvert : CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.EmptyString, t == LogicalType.Textual ? CoercionAction.TryConvert : CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Integer, t == LogicalType.Integer || t == LogicalType.Float
                            ? CoercionAction.TryConvert : CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, t == LogicalType.Float ? CoercionAction.TryConvert : CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, t == LogicalType.Boolean ? CoercionAction.TryConvert : CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.EmptyArray, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.EmptyObject, CoercionAction.Fail);
        }
        m.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(64)
                .maxStringLength(16 * 1024 * 1024)
                .build());
        return m;
    }

    private FrameCodec() {}

    /**
     * The JSON text of {@code frame}. The answers a relayed message causes by the thousand ({@code ack},
     * {@code receipt}) are written directly ({@link HotFrameEncoder}); every other frame goes through a tree. Both give
     * the same text: the record's non-null fields in declaration order, then {@code type}.
     */
    public static String encode(Frame frame) {
        String hot = HotFrameEncoder.encode(frame);
        if (hot != null) return hot;
        return encodeTree(frame);
    }

    /** {@link #encode} through a JSON tree, for every frame type (the reference the direct encodings are tested against). */
    static String encodeTree(Frame frame) {
        try {
            JsonNode tree = Json.MAPPER.valueToTree(frame);
            ((ObjectNode) tree).put("type", frame.type());
            return Json.MAPPER.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + frame.type(), e);
        }
    }

    /**
     * A decoded frame and, for a {@code send} taken by the one-pass decoder, its envelope's JSON text exactly as it
     * came in the frame ({@code envelopeJson}, null otherwise): the envelope of every other field and of nothing else
     * (that decoder declines a frame with any other key), so it can be stored and relayed without being written again.
     */
    public record Decoded(Frame frame, String envelopeJson) {}

    /**
     * {@link #decode}, keeping a {@code send}'s envelope text when it can. {@code send} and {@code client_ack} are
     * first tried in one pass without a JSON tree ({@link HotFrameDecoder}); whatever that declines is decoded and
     * refused here exactly as by {@link #decode}.
     *
     * @throws ProtocolException as {@link #decode}
     */
    public static Decoded decodeKeepingEnvelope(String text) {
        Decoded hot = HotFrameDecoder.decode(text);
        return hot != null ? hot : new Decoded(decodeStrict(text), null);
    }

    /**
     * @throws ProtocolException {@code malformed_json}, {@code unknown_frame_type} or
     *     {@code invalid_frame}, with a message that names the problem (the field and the rule)
     */
    public static Frame decode(String text) {
        return decodeKeepingEnvelope(text).frame();
    }

    /** {@link #decode} through a JSON tree and the schema walk, for every frame type: the definition of the rules. */
    static Frame decodeStrict(String text) {
        JsonNode tree;
        try {
            tree = STRICT.readTree(text);
        } catch (JsonProcessingException e) {
            throw new ProtocolException(ErrorCode.MALFORMED_JSON, notJson(e));
        }
        if (tree == null || !tree.isObject()) {
            throw new ProtocolException(ErrorCode.MALFORMED_JSON, "frame must be a JSON object");
        }
        JsonNode type = tree.get("type");
        if (type == null || !type.isTextual()) {
            throw new ProtocolException(ErrorCode.INVALID_FRAME, "frame has no string 'type'");
        }
        String name = type.textValue();
        Class<?> cls = TYPES.get(name);
        if (cls == null) {
            throw new ProtocolException(ErrorCode.UNKNOWN_FRAME_TYPE, "unknown frame type '" + truncate(name) + "'");
        }
        String problem = Schema.check(tree, cls);
        if (problem != null) throw new ProtocolException(ErrorCode.INVALID_FRAME, name + ": " + problem);
        JsonNode id = tree.get("id");
        if (id != null && id.isTextual() && id.textValue().length() > MAX_ID_CHARS && Schema.hasComponent(cls, "id")) {
            throw new ProtocolException(ErrorCode.INVALID_FRAME, name + ": field 'id' must be at most " + MAX_ID_CHARS
                    + " characters (got " + id.textValue().length() + ")");
        }
        try {
            return STRICT.treeToValue(tree, Frame.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            // The schema check above refuses every ill-typed field; this is the backstop, in the same words.
            throw new ProtocolException(ErrorCode.INVALID_FRAME, name + ": " + fallback(e));
        }
    }

    /**
     * The problem with {@code node} as a {@code type} (a frame record or a part such as
     * {@link dev.meshwire.signaling.envelope.Envelope}), in the words of {@code invalid_frame} messages, or null when
     * it fits: for decoders of the same shapes outside a frame (an envelope on a direct channel).
     */
    public static String shapeProblem(JsonNode node, Class<? extends Record> type) {
        if (node == null || !node.isObject()) return "must be a JSON object";
        return Schema.check(node, type);
    }

    /** Reads the {@code id} of a frame that could not be decoded, so the error can echo it (at most {@link #MAX_ID_CHARS} characters). */
    public static String peekId(String text) {
        try {
            JsonNode id = Json.MAPPER.readTree(text).get("id");
            return id != null && id.isTextual() ? truncateId(id.textValue()) : null;
        } catch (Exception e) {
            return null;
        }
    }

    /**
     * {@code id} as it is echoed: unchanged up to {@link #MAX_ID_CHARS} characters, else its first
     * {@code MAX_ID_CHARS - 1} characters and "…" (so the echo is itself a valid id).
     */
    public static String truncateId(String id) {
        if (id == null || id.length() <= MAX_ID_CHARS) return id;
        int cut = MAX_ID_CHARS - 1;
        if (Character.isHighSurrogate(id.charAt(cut - 1))) cut--;
        return id.substring(0, cut) + "…";
    }

    private static String notJson(JsonProcessingException e) {
        if (e instanceof StreamConstraintsException) {
            String m = String.valueOf(e.getOriginalMessage()).toLowerCase(Locale.ROOT);
            if (m.contains("nesting")) return "frame is not accepted: JSON nested deeper than 64 levels";
            if (m.contains("number")) return "frame is not accepted: a JSON number is too long";
            if (m.contains("string")) return "frame is not accepted: a JSON string is too long";
            return "frame is not accepted: it exceeds a JSON size limit";
        }
        if (e instanceof MismatchedInputException && String.valueOf(e.getOriginalMessage()).startsWith("Trailing token")) {
            return "frame must be exactly one JSON object (found more after it)";
        }
        String where = e.getLocation() == null ? ""
                : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
        if (e instanceof JsonEOFException) return "frame is not valid JSON: unexpected end of input" + where;
        String m = String.valueOf(e.getOriginalMessage());
        if (m.startsWith("Duplicate")) {
            int q = m.indexOf('\'');
            int end = q < 0 ? -1 : m.indexOf('\'', q + 1);
            String field = end > q ? m.substring(q + 1, end) : null;
            return "frame is not valid: " + (field != null ? "field '" + field + "'" : "a field") + " appears twice" + where;
        }
        return "frame is not valid JSON" + where;
    }

    /** A message for a decoding failure the schema check did not foresee: the field's path, never library text. */
    private static String fallback(Exception e) {
        String path = e instanceof JsonMappingException jm ? Schema.path(jm.getPath()) : "";
        return path.isEmpty() ? "frame has a field of the wrong type or value" : "field '" + path + "' has the wrong type or value";
    }

    private static String truncate(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "…" : s;
    }

    /** The JSON shape of every frame record, read from the records themselves (component name = JSON name). */
    static final class Schema {
        private static final Map<Class<?>, RecordComponent[]> COMPONENTS = new ConcurrentHashMap<>();

        private Schema() {}

        static boolean hasComponent(Class<?> record, String name) {
            for (RecordComponent c : components(record)) if (c.getName().equals(name)) return true;
            return false;
        }

        private static RecordComponent[] components(Class<?> record) {
            return COMPONENTS.computeIfAbsent(record, Class::getRecordComponents);
        }

        /** Null when {@code node} fits {@code record}; else "field 'path' must be …". */
        static String check(JsonNode node, Class<?> record) {
            return checkRecord(node, record, "");
        }

        private static String checkRecord(JsonNode node, Class<?> record, String prefix) {
            ClosedKeys closed = record.getAnnotation(ClosedKeys.class);
            if (closed != null) {
                for (java.util.Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
                    String name = names.next();
                    if (!hasComponent(record, name)) {
                        return "field '" + prefix + clip(name) + "' is not allowed: " + closed.value()
                                + " has a closed set of keys (docs/protocol.md §4)";
                    }
                }
            }
            for (RecordComponent c : components(record)) {
                JsonNode v = node.get(c.getName());
                if (v == null) {
                    // An integer or boolean field has no "absent" value: it is required. Other absent fields
                    // are optional as far as the codec goes; the handlers decide what else is required.
                    Class<?> raw = c.getType();
                    if (raw.isPrimitive() && !c.isAnnotationPresent(OptionalField.class)) return "field '" + prefix + c.getName() + "' is required and must be " + describe(raw);
                    continue;
                }
                if (v.isNull() && c.isAnnotationPresent(OptionalField.class)) continue; // null = absent = the default
                String p = checkValue(v, c.getGenericType(), prefix + c.getName());
                if (p != null) return p;
            }
            return null;
        }

        private static String checkValue(JsonNode v, Type type, String path) {
            Class<?> raw = raw(type);
            if (v.isNull()) {
                if (raw.isPrimitive()) return "field '" + path + "' must be " + describe(raw) + ", not null";
                return null; // null = absent
            }
            if (raw == String.class) {
                return v.isTextual() ? null : must(path, "a string");
            }
            if (raw == int.class || raw == Integer.class || raw == long.class || raw == Long.class
                    || raw == short.class || raw == Short.class) {
                if (!v.isIntegralNumber()) return must(path, "an integer");
                boolean fits = (raw == long.class || raw == Long.class) ? v.canConvertToLong()
                        : (raw == int.class || raw == Integer.class) ? v.canConvertToInt()
                        : v.canConvertToInt() && v.intValue() >= Short.MIN_VALUE && v.intValue() <= Short.MAX_VALUE;
                if (!fits) {
                    String range = (raw == long.class || raw == Long.class) ? Long.MIN_VALUE + " to " + Long.MAX_VALUE
                            : (raw == int.class || raw == Integer.class) ? Integer.MIN_VALUE + " to " + Integer.MAX_VALUE
                            : Short.MIN_VALUE + " to " + Short.MAX_VALUE;
                    return must(path, "an integer from " + range);
                }
                return null;
            }
            if (raw == double.class || raw == Double.class || raw == float.class || raw == Float.class) {
                return v.isNumber() ? null : must(path, "a number");
            }
            if (raw == boolean.class || raw == Boolean.class) {
                return v.isBoolean() ? null : must(path, "a boolean (true or false)");
            }
            if (raw.isEnum()) {
                if (!v.isTextual()) return must(path, "a string");
                List<String> names = Arrays.stream(raw.getEnumConstants())
                        .map(e -> ((Enum<?>) e).name().toLowerCase(Locale.ROOT)).toList();
                return names.contains(v.textValue()) ? null : must(path, "one of " + String.join(", ", names));
            }
            if (List.class.isAssignableFrom(raw)) {
                if (!v.isArray()) return must(path, "an array");
                Type element = type instanceof ParameterizedType pt ? pt.getActualTypeArguments()[0] : Object.class;
                for (int i = 0; i < v.size(); i++) {
                    JsonNode e = v.get(i);
                    String ep = path + "[" + i + "]";
                    if (e.isNull()) return "field '" + ep + "' must not be null";
                    String p = checkValue(e, element, ep);
                    if (p != null) return p;
                }
                return null;
            }
            if (raw.isRecord()) {
                if (!v.isObject()) return must(path, "an object");
                return checkRecord(v, raw, path + ".");
            }
            if (JsonNode.class.isAssignableFrom(raw) || raw == Object.class) {
                return null; // free-form (e.g. a mesh event's data, checked by the mesh state)
            }
            if (Map.class.isAssignableFrom(raw)) {
                return v.isObject() ? null : must(path, "an object");
            }
            return null;
        }

        /** A key from the wire as it appears in a message: at most 64 characters. */
        private static String clip(String name) {
            return name.length() > 64 ? name.substring(0, 63) + "…" : name;
        }

        private static String must(String path, String what) {
            return "field '" + path + "' must be " + what;
        }

        private static String describe(Class<?> raw) {
            return raw == boolean.class ? "a boolean (true or false)" : "an integer";
        }

        private static Class<?> raw(Type t) {
            if (t instanceof Class<?> c) return c;
            if (t instanceof ParameterizedType pt) return (Class<?>) pt.getRawType();
            return Object.class;
        }

        static String path(List<JsonMappingException.Reference> refs) {
            StringBuilder b = new StringBuilder();
            for (JsonMappingException.Reference r : refs) {
                if (r.getFieldName() != null) {
                    if (!b.isEmpty()) b.append('.');
                    b.append(r.getFieldName());
                } else if (r.getIndex() >= 0) {
                    b.append('[').append(r.getIndex()).append(']');
                }
            }
            return b.toString();
        }
    }
}
