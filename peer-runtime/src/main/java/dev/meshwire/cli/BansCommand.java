package dev.meshwire.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.peer.ipc.IpcClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code meshwire bans}: the banned keys of a mesh, from the verified mesh state (works while the coordinator is down). */
@Command(name = "bans", description = "List the banned keys of a mesh (from the verified mesh state).")
final class BansCommand extends ReplyVerb {
    @Mixin MeshOption mesh;

    @Override
    public Integer call() {
        return reply(daemonWithMeshes().get("/v1/bans" + IpcClient.query("mesh", mesh.name)), r -> out().print(text(r)));
    }

    static String text(JsonNode r) {
        StringBuilder sb = new StringBuilder();
        sb.append("mesh ").append(r.path("mesh").asText()).append(", state v").append(r.path("stateVersion").asLong())
                .append(r.path("stateVerified").asBoolean() ? " (verified)" : " (not verified yet: last known state)").append('\n');
        if (r.path("items").isEmpty()) {
            sb.append("  no banned keys\n");
            return sb.toString();
        }
        for (JsonNode b : r.path("items")) {
            sb.append("  ").append(b.hasNonNull("name") ? b.get("name").asText() : "-").append(' ')
                    .append(Render.shortKey(b.path("pubkey").asText())).append(" banned");
            if (b.hasNonNull("bannedAt")) sb.append(' ').append(Render.time(b.get("bannedAt")));
            if (b.hasNonNull("by")) sb.append(" by ").append(b.hasNonNull("byName") ? b.get("byName").asText() : Render.shortKey(b.get("by").asText()));
            if (b.hasNonNull("reason")) sb.append(": ").append(b.get("reason").asText());
            sb.append('\n');
        }
        sb.append("'meshwire unban NAME' lets one back in (owner or admin)\n");
        return sb.toString();
    }
}
