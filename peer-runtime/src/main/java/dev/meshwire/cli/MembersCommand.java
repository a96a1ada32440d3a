package dev.meshwire.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code meshwire members}: every key of the verified mesh state (active, expired, banned, revoked) with presence. */
@Command(name = "members", description = "List every member of a mesh from the verified mesh state, with status and presence.")
final class MembersCommand extends ReplyVerb {
    @Mixin MeshOption mesh;

    @Override
    public Integer call() {
        return reply(daemonWithMeshes().members(mesh.name), r -> out().print(Render.members(r, style())));
    }
}
