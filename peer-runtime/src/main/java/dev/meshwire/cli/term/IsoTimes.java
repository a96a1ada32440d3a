package dev.meshwire.cli.term;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code --json} time convention: next to every epoch-ms field named {@code xxxAt}, an ISO 8601 UTC field
 * {@code xxxAtIso} ({@code "2026-12-02T21:04:05.123Z"}), so a person or a script can read a time without converting
 * it. The daemon's IPC carries epoch ms only; the CLI adds the companions when it prints, at any depth. A field the
 * answer already has (a record that carries its own {@code xxxAtIso}) is left as it is; null times get none.
 */
public final class IsoTimes {
    private IsoTimes() {}

    /** A copy of {@code n} with the ISO companions added. */
    public static JsonNode add(JsonNode n) {
        if (n instanceof ObjectNode o) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
            o.fields().forEachRemaining(fields::add);
            for (Map.Entry<String, JsonNode> e : fields) {
                out.set(e.getKey(), add(e.getValue()));
                String iso = e.getKey() + "Iso";
                if (e.getKey().endsWith("At") && e.getValue().isIntegralNumber() && !o.has(iso)) {
                    out.put(iso, Instant.ofEpochMilli(e.getValue().asLong()).toString());
                }
            }
            return out;
        }
        if (n instanceof ArrayNode a) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            a.forEach(x -> out.add(add(x)));
            return out;
        }
        return n;
    }
}
