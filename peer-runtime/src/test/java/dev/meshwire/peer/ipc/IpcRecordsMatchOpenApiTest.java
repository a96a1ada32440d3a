package dev.meshwire.peer.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.meshwire.peer.ipc.api.HealthReply;
import dev.meshwire.peer.meshstate.Member;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The records of dev.meshwire.peer.ipc.api against the schemas of the same name in docs/ipc-openapi.yaml, field by
 * field: the same names both ways, a JSON type that fits the Java type, and every primitive component (always
 * present on the wire) required. IpcContractTest validates live answers; this catches the optional fields a live
 * run does not produce (warning, lastError, holdAcks, a ping round's error, ...).
 */
class IpcRecordsMatchOpenApiTest {
    /** Records that are not a body on the wire: query parameters and the daemon-internal error fields. */
    static final Set<String> NOT_BODIES = Set.of("InboxQuery", "OutboxQuery", "ErrorFields");

    @Test
    void everyApiRecordHasItsSchemaFieldForField() throws Exception {
        JsonNode schemas = openApi().path("components").path("schemas");
        List<Class<?>> records = apiRecords();
        records.add(Member.class); // the items of GET /v1/members
        assertTrue(records.size() > 40, "records found: " + records.size());
        List<String> problems = new ArrayList<>();
        for (Class<?> r : records) {
            JsonNode schema = schemas.get(r.getSimpleName());
            if (schema == null) {
                problems.add(r.getSimpleName() + ": no schema of that name in docs/ipc-openapi.yaml");
                continue;
            }
            TreeSet<String> props = new TreeSet<>();
            schema.path("properties").fieldNames().forEachRemaining(props::add);
            TreeSet<String> components = new TreeSet<>();
            Set<String> required = new TreeSet<>();
            schema.path("required").forEach(n -> required.add(n.asText()));
            for (RecordComponent c : r.getRecordComponents()) {
                components.add(c.getName());
                JsonNode p = schema.path("properties").get(c.getName());
                if (p == null) continue;
                String want = jsonType(c.getType());
                String have = type(schemas, p);
                if (want != null && have != null && !want.equals(have) && !("number".equals(want) && "integer".equals(have))) {
                    problems.add(r.getSimpleName() + "." + c.getName() + ": Java " + c.getType().getSimpleName() + " is JSON " + want
                            + ", the file says " + have);
                }
                if (c.getType().isPrimitive() && !required.contains(c.getName())) {
                    problems.add(r.getSimpleName() + "." + c.getName() + ": always present (primitive) but not required in the file");
                }
            }
            if (!components.equals(props)) problems.add(r.getSimpleName() + ": record " + components + " vs file " + props);
            for (String q : required) {
                if (!components.contains(q)) problems.add(r.getSimpleName() + ": the file requires unknown field " + q);
            }
        }
        assertEquals(List.of(), problems);
    }

    /** The JSON type of a schema node, following one $ref; null when it does not say (const, free object). */
    static String type(JsonNode schemas, JsonNode p) {
        if (p.has("$ref")) p = schemas.path(p.get("$ref").asText().substring("#/components/schemas/".length()));
        if (p.has("type")) return p.get("type").asText();
        if (p.has("const")) {
            JsonNode c = p.get("const");
            return c.isBoolean() ? "boolean" : c.isIntegralNumber() ? "integer" : c.isTextual() ? "string" : null;
        }
        return null;
    }

    static String jsonType(Class<?> t) {
        if (t == String.class) return "string";
        if (t == boolean.class || t == Boolean.class) return "boolean";
        if (t == int.class || t == long.class || t == Integer.class || t == Long.class) return "integer";
        if (t == double.class || t == Double.class) return "number";
        if (List.class.isAssignableFrom(t)) return "array";
        if (Map.class.isAssignableFrom(t) || t.isRecord() || JsonNode.class.isAssignableFrom(t)) return "object";
        return null;
    }

    static List<Class<?>> apiRecords() throws Exception {
        Path dir = Path.of(HealthReply.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve(HealthReply.class.getPackageName().replace('.', '/'));
        List<Class<?>> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                String n = f.getFileName().toString();
                if (!n.endsWith(".class") || n.contains("$") || n.equals("package-info.class")) continue;
                Class<?> c = Class.forName(HealthReply.class.getPackageName() + "." + n.substring(0, n.length() - 6));
                if (c.isRecord() && !NOT_BODIES.contains(c.getSimpleName())) out.add(c);
            }
        }
        return out;
    }

    static JsonNode openApi() throws Exception {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("docs/ipc-openapi.yaml"))) p = p.getParent();
        assertTrue(p != null, "docs/ipc-openapi.yaml not found");
        return new ObjectMapper(new YAMLFactory()).readTree(p.resolve("docs/ipc-openapi.yaml").toFile());
    }
}
