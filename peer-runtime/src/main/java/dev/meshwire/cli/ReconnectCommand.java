package dev.meshwire.cli;

import dev.meshwire.peer.ipc.IpcClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code meshwire reconnect}: a fresh coordinator link by hand (a kick is terminal for the daemon). */
@Command(name = "reconnect", description = "Open a fresh coordinator connection for a mesh (e.g. after a kick).")
final class ReconnectCommand extends ReplyVerb {
    @Mixin MeshOption mesh;

    @Override
    public Integer call() {
        return reply(daemonWithMeshes().post("/v1/reconnect", IpcClient.map("mesh", mesh.name)),
                r -> out().println("mesh " + r.path("mesh").path("name").asText() + ": " + r.path("mesh").path("state").asText()));
    }
}
