package dev.meshwire.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code meshwire peers}: the members of a mesh, online first. */
@Command(name = "peers", description = "List the members of a mesh.")
final class PeersCommand extends ReplyVerb {
    @Mixin MeshOption mesh;

    @Override
    public Integer call() {
        return reply(daemonWithMeshes().peers(mesh.name), r -> out().print(Render.peers(r, style())));
    }
}
