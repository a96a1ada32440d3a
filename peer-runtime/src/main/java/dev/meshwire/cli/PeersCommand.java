package dev.meshwire.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.meshwire.peer.home.MeshStore;
import dev.meshwire.peer.ipc.IpcClient;
import dev.meshwire.signaling.Json;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code meshwire peers}: the active members of every joined mesh (or of {@code --mesh}), online first, with a
 * MESH column. {@code --json}: {@code {"items": [{mesh, name, pubkey, …}], "meshes": [{mesh, connected, state,
 * stateVersion, stateVerified}]}}.
 */
@Command(name = "peers", description = "List the members of every joined mesh (or of --mesh), with the path to each.")
final class PeersCommand extends ReplyVerb {
    @Mixin MeshOption mesh;

    @Override
    public Integer call() {
        IpcClient c = daemonWithMeshes();
        List<String> names = new ArrayList<>();
        if (mesh.name != null) names.add(mesh.name);
        else new MeshStore(home()).list().forEach(m -> names.add(m.name()));
        ObjectNode all = Json.MAPPER.createObjectNode();
        ArrayNode items = all.putArray("items");
        ArrayNode meshes = all.putArray("meshes");
        for (String name : names) {
            JsonNode r = c.peers(name);
            ObjectNode m = meshes.addObject();
            m.put("mesh", r.path("mesh").asText(name));
            for (String f : new String[] {"connected", "state", "stateVersion", "stateVerified"}) m.set(f, r.path(f));
            // The daemon's list key ("peers" before issue #14's convention, "items" after it).
            JsonNode list = r.has("items") ? r.get("items") : r.path("peers");
            for (JsonNode p : list) {
                ObjectNode row = items.addObject();
                row.put("mesh", name);
                row.setAll((ObjectNode) p);
            }
        }
        return reply(all, r -> out().print(text(r)));
    }

    static String text(JsonNode r) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode m : r.path("meshes")) {
            if (!m.path("connected").asBoolean()) {
                sb.append("mesh ").append(m.path("mesh").asText()).append(": not connected (").append(m.path("state").asText())
                        .append("); presence may be stale\n");
            }
        }
        int mw = 4;
        int nw = 4;
        for (JsonNode p : r.path("items")) {
            mw = Math.max(mw, p.path("mesh").asText().length());
            nw = Math.max(nw, p.path("name").asText().length());
        }
        String fmt = "%-" + mw + "s  %-" + nw + "s  %-12s  %-7s  %-6s  %s%n";
        sb.append(String.format(fmt, "MESH", "NAME", "PUBKEY", "STATUS", "ROLE", "PATH"));
        for (JsonNode p : r.path("items")) {
            sb.append(String.format(fmt, p.path("mesh").asText(), p.path("name").asText(), Render.shortKey(p.path("pubkey").asText()),
                    p.path("online").asBoolean() ? "online" : "offline", p.path("role").asText(),
                    p.path("self").asBoolean() ? "(you)" : p.hasNonNull("path") ? "via " + Render.path(p) : "-"));
        }
        return sb.toString();
    }
}
