package dev.meshwire.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code meshwire invite}: prints a signed invite (text: the invite alone, for scripts). */
@Command(name = "invite", description = "Print an invite to the mesh.")
final class InviteCommand extends ReplyVerb {
    @Mixin MeshOption mesh;
    @Option(names = "--uses", defaultValue = "1", description = "how many joins the invite allows (1 to 1000)") int uses;
    @Option(names = "--expires", defaultValue = "24h", description = "e.g. 30m, 24h, 7d") String expires;

    @Override
    public Integer call() {
        long ms = Render.parseDuration(expires);
        return reply(daemonWithMeshes().invite(mesh.name, uses, ms), r -> out().println(r.invite()));
    }
}
