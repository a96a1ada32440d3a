package dev.meshwire.cli;

import dev.meshwire.peer.ipc.IpcClient;
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
        return reply(daemonWithMeshes().post("/v1/rename", IpcClient.map("mesh", mesh.name, "name", name)),
                r -> out().println("renamed: you are now " + r.path("name").asText() + " in " + r.path("mesh").asText()));
    }
}
