package dev.meshwire.cli;

import dev.meshwire.peer.ipc.api.BanItem;
import dev.meshwire.peer.ipc.api.BansReply;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code meshwire bans}: the banned keys of a mesh, from the verified mesh state (works while the coordinator is down). */
@Command(name = "bans", description = "List the banned keys of a mesh (from the verified mesh state).")
final class BansCommand extends ReplyVerb {
    @Mixin MeshOption mesh;

    @Override
    public Integer call() {
        return reply(daemonWithMeshes().bans(mesh.name), r -> out().print(text(r)));
    }

    static String text(BansReply r) {
        StringBuilder sb = new StringBuilder();
        sb.append("mesh ").append(r.mesh()).append(", state v").append(r.stateVersion())
                .append(r.stateVerified() ? " (verified)" : " (not verified yet: last known state)").append('\n');
        if (r.items().isEmpty()) {
            sb.append("  no banned keys\n");
            return sb.toString();
        }
        for (BanItem b : r.items()) {
            sb.append("  ").append(b.name() != null ? b.name() : "-").append(' ').append(Render.shortKey(b.pubkey())).append(" banned");
            if (b.bannedAt() != null) sb.append(' ').append(Render.time(b.bannedAt()));
            if (b.by() != null) sb.append(" by ").append(b.byName() != null ? b.byName() : Render.shortKey(b.by()));
            if (b.reason() != null) sb.append(": ").append(b.reason());
            sb.append('\n');
        }
        sb.append("'meshwire unban NAME' lets one back in (owner or admin)\n");
        return sb.toString();
    }
}
