package dev.meshwire.peer.ipc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.meshwire.signaling.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * docs/ipc-openapi.yaml, read as the contract: its operations ({@code METHOD /path/{param}}), and the JSON Schema
 * (2020-12, as OpenAPI 3.1 defines) of each operation's request body, of its answer for one status, and of each
 * SSE event's data. Validation is com.networknt's json-schema-validator; {@code $ref}s resolve inside the file.
 */
public final class OpenApiContract {
    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private final JsonNode doc;

    private OpenApiContract(JsonNode doc) {
        this.doc = doc;
    }

    /** Reads the file from the source checkout (the module's working directory is peer-runtime/). */
    public static OpenApiContract load() throws IOException {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("docs/ipc-openapi.yaml"))) p = p.getParent();
        if (p == null) throw new IOException("docs/ipc-openapi.yaml not found above " + Path.of("").toAbsolutePath());
        return new OpenApiContract(new ObjectMapper(new YAMLFactory()).readTree(p.resolve("docs/ipc-openapi.yaml").toFile()));
    }

    /** Every operation as {@code GET /v1/inbox/{}} (path parameter names dropped, so they compare with the server's). */
    TreeSet<String> operations() {
        TreeSet<String> out = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = doc.path("paths").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> path = it.next();
            path.getValue().fieldNames().forEachRemaining(m -> out.add(m.toUpperCase(Locale.ROOT) + " " + normalize(path.getKey())));
        }
        return out;
    }

    /** {@code /v1/inbox/:id} and {@code /v1/inbox/{id}} both become {@code /v1/inbox/{}}. */
    static String normalize(String template) {
        return template.replaceAll("\\{[^}/]+}", "{}").replaceAll(":[A-Za-z]+", "{}");
    }

    /**
     * Checks one answer: its status must be declared for the operation (an explicit code, or {@code default} for a
     * 4xx/5xx) and its body must match that response's schema. Returns the problems, empty when it conforms.
     */
    List<String> checkAnswer(String method, String template, int status, JsonNode body) {
        JsonNode op = operation(method, template);
        if (op == null) return List.of("no operation " + method + " " + template + " in the file");
        JsonNode responses = op.path("responses");
        JsonNode response = responses.get(String.valueOf(status));
        if (response == null && status >= 400) response = responses.get("default");
        if (response == null) return List.of(method + " " + template + " answered " + status + ", which the file does not declare");
        response = deref(response);
        JsonNode schema = response.path("content").path("application/json").path("schema");
        if (schema.isMissingNode()) return List.of(method + " " + template + " " + status + " has no application/json schema");
        return validate(schema, body, method + " " + template + " " + status);
    }

    /** Checks a request body the test sends against the operation's request schema. */
    List<String> checkRequest(String method, String template, JsonNode body) {
        JsonNode op = operation(method, template);
        if (op == null) return List.of("no operation " + method + " " + template + " in the file");
        JsonNode schema = op.path("requestBody").path("content").path("application/json").path("schema");
        if (schema.isMissingNode()) return List.of(method + " " + template + " declares no JSON request body");
        return validate(schema, body, "request of " + method + " " + template);
    }

    /** Checks the data of one SSE event against the schema {@code x-event-data} names for it. */
    List<String> checkEvent(String event, JsonNode data) {
        JsonNode name = operation("GET", "/v1/events").path("x-event-data").get(event);
        if (name == null) return List.of("event '" + event + "' is not in x-event-data");
        ObjectNode ref = Json.MAPPER.createObjectNode().put("$ref", "#/components/schemas/" + name.asText());
        return validate(ref, data, "event " + event);
    }

    /** Checks {@code value} against the component schema {@code name} (e.g. ErrorReply). */
    public List<String> checkSchema(String name, JsonNode value) {
        ObjectNode ref = Json.MAPPER.createObjectNode().put("$ref", "#/components/schemas/" + name);
        return validate(ref, value, name);
    }

    /** The operation object of {@code METHOD template} (either parameter syntax), or null. */
    private JsonNode operation(String method, String template) {
        String want = normalize(template);
        for (Iterator<Map.Entry<String, JsonNode>> it = doc.path("paths").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> path = it.next();
            if (normalize(path.getKey()).equals(want)) return path.getValue().get(method.toLowerCase(Locale.ROOT));
        }
        return null;
    }

    private JsonNode deref(JsonNode node) {
        if (!node.has("$ref")) return node;
        JsonNode target = doc.at(node.get("$ref").asText().substring(1));
        if (target.isMissingNode()) throw new IllegalStateException("dangling $ref " + node.get("$ref"));
        return target;
    }

    /** Validates with the file's components in scope, so that {@code #/components/...} references resolve. */
    private List<String> validate(JsonNode schema, JsonNode instance, String what) {
        ObjectNode wrapper = schema.deepCopy();
        wrapper.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        wrapper.set("components", doc.path("components"));
        Schema s = SCHEMAS.getSchema(wrapper);
        List<String> out = new ArrayList<>();
        for (Error e : s.validate(instance)) out.add(what + ": " + e.getInstanceLocation() + " " + e.getMessage());
        return out;
    }
}
