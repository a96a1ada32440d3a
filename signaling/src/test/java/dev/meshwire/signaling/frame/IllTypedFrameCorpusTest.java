package dev.meshwire.signaling.frame;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.meshwire.signaling.Json;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Issue 17 item 3: a corpus of ill-typed frames — every field of every frame record (nested records and list
 * elements included) set to every wrong JSON type — decodes to a frame or to a {@link ProtocolException}
 * whose message names the field and the rule, never a Java type or parser text. Values of the wrong JSON
 * type are refused with {@code invalid_frame} (no coercion of "2" or 2.5 to an integer, of 7 to a string, …).
 */
class IllTypedFrameCorpusTest {
    /** Text that only a library or the JVM would write. */
    static final List<String> FORBIDDEN = List.of("java.", "Json", "JSON_", "Token", "Cannot deserialize", "com.fasterxml",
            "class ", "jackson", "Jackson", "dev.meshwire", "Frames$", "Exception", "[Source", "line: ", "VALUE_", "START_",
            "`", "Integer", "Long", "Boolean", "String", "instance of", "no delegate", "creator", "Creator",
            "not a valid", "coerc", "Coerc", "MapperFeature", "DeserializationFeature", "primitive", "through reference chain");

    /** The wrong-typed values; each is tried in every field. */
    static final Map<String, String> VALUES = new LinkedHashMap<>();

    static {
        VALUES.put("string", "\"x\"");
        VALUES.put("empty string", "\"\"");
        VALUES.put("numeric string", "\"5\"");
        VALUES.put("boolean string", "\"true\"");
        VALUES.put("integer", "7");
        VALUES.put("negative integer", "-1");
        VALUES.put("float", "2.5");
        VALUES.put("integral float", "2.0");
        VALUES.put("exponent", "1e3");
        VALUES.put("huge integer", "99999999999999999999999");
        VALUES.put("true", "true");
        VALUES.put("false", "false");
        VALUES.put("null", "null");
        VALUES.put("empty object", "{}");
        VALUES.put("object", "{\"a\":1}");
        VALUES.put("empty array", "[]");
        VALUES.put("array of integer", "[1]");
        VALUES.put("array of string", "[\"x\"]");
        VALUES.put("array of null", "[null]");
        VALUES.put("array of object", "[{}]");
    }

    /** A field of a frame: its JSON path and declared Java type. */
    /** {@code optional}: a primitive marked {@link OptionalField}, for which null means "absent". */
    record Field(List<Object> path, Type type, boolean optional) {
        String dotted() {
            StringBuilder b = new StringBuilder();
            for (Object o : path) {
                if (o instanceof Integer i) b.append('[').append(i).append(']');
                else b.append(b.isEmpty() ? "" : ".").append(o);
            }
            return b.toString();
        }
    }

    static void fields(Class<?> record, List<Object> prefix, List<Field> out, int depth) {
        for (RecordComponent c : record.getRecordComponents()) {
            List<Object> p = new ArrayList<>(prefix);
            p.add(c.getName());
            Type t = c.getGenericType();
            out.add(new Field(p, t, c.isAnnotationPresent(OptionalField.class)));
            if (depth > 4) continue;
            Class<?> raw = raw(t);
            if (raw.isRecord()) fields(raw, p, out, depth + 1);
            if (List.class.isAssignableFrom(raw) && t instanceof ParameterizedType pt) {
                Type el = pt.getActualTypeArguments()[0];
                List<Object> ep = new ArrayList<>(p);
                ep.add(0);
                out.add(new Field(ep, el, false));
                if (raw(el).isRecord()) fields(raw(el), ep, out, depth + 1);
            }
        }
    }

    static Class<?> raw(Type t) {
        if (t instanceof Class<?> c) return c;
        if (t instanceof ParameterizedType pt) return (Class<?>) pt.getRawType();
        return Object.class;
    }

    /** Sets {@code path} in {@code root} to {@code value}, creating the objects and arrays on the way. */
    static void set(ObjectNode root, List<Object> path, JsonNode value) {
        JsonNode cur = root;
        for (int i = 0; i < path.size() - 1; i++) {
            Object seg = path.get(i);
            Object next = path.get(i + 1);
            JsonNode child = seg instanceof Integer idx ? cur.get(idx) : cur.get((String) seg);
            boolean wantArray = next instanceof Integer;
            if (child == null || (wantArray ? !child.isArray() : !child.isObject())) {
                child = wantArray ? Json.MAPPER.createArrayNode() : Json.MAPPER.createObjectNode();
                if (seg instanceof Integer idx) {
                    ArrayNode a = (ArrayNode) cur;
                    while (a.size() <= idx) a.addNull();
                    a.set(idx, child);
                } else {
                    ((ObjectNode) cur).set((String) seg, child);
                }
            }
            if (wantArray && child.size() == 0) ((ArrayNode) child).add(Json.MAPPER.createObjectNode());
            cur = child;
        }
        Object last = path.get(path.size() - 1);
        if (last instanceof Integer idx) {
            ArrayNode a = (ArrayNode) cur;
            while (a.size() <= idx) a.addNull();
            a.set(idx, value);
        } else {
            ((ObjectNode) cur).set((String) last, value);
        }
    }

    /** Whether {@code json} has the JSON type {@code declared} requires (so it must be accepted as far as types go). */
    static boolean rightType(Type declared, String name, JsonNode v, boolean listElement) {
        Class<?> raw = raw(declared);
        if (v.isNull()) return !raw.isPrimitive() && !listElement;
        if (raw == String.class) return v.isTextual();
        if (raw == int.class || raw == Integer.class) return v.isIntegralNumber() && v.canConvertToInt();
        if (raw == long.class || raw == Long.class) return v.isIntegralNumber() && v.canConvertToLong();
        if (raw == boolean.class || raw == Boolean.class) return v.isBoolean();
        if (raw.isEnum()) {
            return v.isTextual() && Arrays.stream(raw.getEnumConstants()).anyMatch(e -> ((Enum<?>) e).name().equalsIgnoreCase(v.textValue())
                    && ((Enum<?>) e).name().toLowerCase().equals(v.textValue()));
        }
        if (List.class.isAssignableFrom(raw)) {
            if (!v.isArray()) return false;
            Type el = declared instanceof ParameterizedType pt ? pt.getActualTypeArguments()[0] : Object.class;
            for (JsonNode e : v) if (!rightType(el, name, e, true)) return false;
            return true;
        }
        if (raw.isRecord()) {
            if (!v.isObject()) return false;
            if (raw.isAnnotationPresent(ClosedKeys.class)) { // meta: a key outside the record is refused, not ignored
                for (java.util.Iterator<String> names = v.fieldNames(); names.hasNext(); ) {
                    String n = names.next();
                    if (Arrays.stream(raw.getRecordComponents()).noneMatch(c -> c.getName().equals(n))) return false;
                }
            }
            for (RecordComponent c : raw.getRecordComponents()) {
                JsonNode f = v.get(c.getName());
                boolean optional = c.isAnnotationPresent(OptionalField.class);
                if (f == null && c.getType().isPrimitive() && !optional) return false; // integers and booleans are required
                if (f != null && !(optional && f.isNull()) && !rightType(c.getGenericType(), c.getName(), f, false)) return false;
            }
            return true;
        }
        return true; // JsonNode: anything
    }

    @Test
    void everyIllTypedFieldOfEveryFrameGetsAMessageWithoutLibraryText() throws Exception {
        Map<String, Frame> byType = new LinkedHashMap<>();
        for (Frame f : FrameSamples.all()) byType.put(f.type(), f);
        Set<String> all = new TreeSet<>();
        for (JsonSubTypes.Type t : Frame.class.getAnnotation(JsonSubTypes.class).value()) all.add(t.name());
        assertEquals(all, new TreeSet<>(byType.keySet()), "a sample for every frame type");

        List<String> leaks = new ArrayList<>();
        List<String> wrong = new ArrayList<>();
        Set<String> distinctMessages = new TreeSet<>();
        int cases = 0;
        for (Frame sample : byType.values()) {
            ObjectNode base = (ObjectNode) Json.MAPPER.readTree(FrameCodec.encode(sample));
            List<Field> fields = new ArrayList<>();
            fields(sample.getClass(), List.of(), fields, 0);
            for (Field field : fields) {
                for (Map.Entry<String, String> value : VALUES.entrySet()) {
                    ObjectNode frame = base.deepCopy();
                    JsonNode v = Json.MAPPER.readTree(value.getValue());
                    set(frame, field.path(), v);
                    String text = Json.MAPPER.writeValueAsString(frame);
                    String label = sample.type() + " " + field.dotted() + " = " + value.getKey();
                    cases++;
                    boolean mustAccept = (field.optional() && v.isNull()) || rightType(field.type(), field.dotted(), v, field.path().get(field.path().size() - 1) instanceof Integer);
                    try {
                        FrameCodec.decode(text);
                        if (!mustAccept) wrong.add(label + ": accepted");
                    } catch (ProtocolException e) {
                        String m = e.getMessage();
                        distinctMessages.add(m);
                        // The quoted field name is the protocol's own word (e.g. 'resumeToken'), not library text.
                        String unquoted = m.replaceAll("'[A-Za-z0-9_.\\[\\]]*'", "'…'");
                        for (String bad : FORBIDDEN) {
                            if (unquoted.contains(bad)) {
                                leaks.add(label + ": [" + bad + "] " + m);
                                break;
                            }
                        }
                        if (mustAccept) {
                            wrong.add(label + ": refused: " + m);
                        } else {
                            if (!ErrorCode.INVALID_FRAME.equals(e.code())) wrong.add(label + ": code " + e.code() + ": " + m);
                            if (!m.startsWith(sample.type() + ": field '")) wrong.add(label + ": message does not name the field: " + m);
                        }
                    } catch (RuntimeException e) {
                        wrong.add(label + ": threw " + e);
                    }
                }
            }
        }
        assertTrue(cases > 2000, "corpus size " + cases);
        assertTrue(leaks.isEmpty(), leaks.size() + " of " + cases + " messages name library internals ("
                + distinctMessages.size() + " distinct messages), e.g.\n" + String.join("\n", leaks.subList(0, Math.min(40, leaks.size()))));
        assertTrue(wrong.isEmpty(), wrong.size() + " of " + cases + " cases decoded wrongly, e.g.\n"
                + String.join("\n", wrong.subList(0, Math.min(40, wrong.size()))));
    }

    @Test
    void malformedTextGetsPlainMessages() {
        for (String text : List.of("{\"type\":", "{\"type\":\"ping\",}", "nope", "{\"type\":\"ping\" \"id\":\"1\"}", "{} {}",
                "{\"type\":\"ping\",\"id\":\"1\",\"id\":\"2\"}", "[".repeat(100) + "]".repeat(100), "{\"a\":" + "9".repeat(2000) + "}",
                "\"str\"", "7", "null", "{\"type\":\"ping\",\"id\":'x'}")) {
            ProtocolException e = assertThrows(ProtocolException.class, () -> FrameCodec.decode(text), text);
            for (String bad : FORBIDDEN) assertFalse(e.getMessage().contains(bad), text + " → " + e.getMessage());
            assertEquals(ErrorCode.MALFORMED_JSON, e.code(), text + " → " + e.getMessage());
        }
    }
}
