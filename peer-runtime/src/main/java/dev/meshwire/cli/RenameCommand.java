package dev.meshwire.cli;

import dev.meshwire.peer.ipc.api.RenameRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code meshwire rename NAME}: your own display name in a mesh (unique among its members). */
@Command(name = "rename", description = "Change your display name in a mesh.")
final class RenameCommand extends ReplyVerb {
    @Parameters(paramLabel = "NAME", description = "your new display name in the mesh") String name;
    @Mixin MeshOption mesh;

    @Override
    public Integer call() {
        return reply(daemonWithMeshes().rename(new RenameRequest(mesh.name, name)),
                r -> out().println("renamed: you are now " + r.name() + " in " + r.mesh()));
    }
}
