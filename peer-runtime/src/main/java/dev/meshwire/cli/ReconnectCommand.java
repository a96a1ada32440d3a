package dev.meshwire.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code meshwire reconnect}: a fresh coordinator link by hand (a kick is terminal for the daemon). */
@Command(name = "reconnect", description = "Open a fresh coordinator connection for a mesh (e.g. after a kick).")
final class ReconnectCommand extends ReplyVerb {
    @Mixin MeshOption mesh;

    @Override
    public Integer call() {
        return reply(daemonWithMeshes().reconnect(mesh.name),
                r -> out().println("mesh " + r.mesh().name() + ": " + r.mesh().state()));
    }
}
