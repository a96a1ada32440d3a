package dev.meshwire.cli;

import dev.meshwire.peer.ipc.api.MeshInfo;
import dev.meshwire.peer.ipc.api.CreateMeshReply;
import dev.meshwire.peer.ipc.api.CreateMeshRequest;
import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.coordinator.CoordinatorUrls;
import dev.meshwire.signaling.Names;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code meshwire mesh create|log}: a new mesh on a coordinator, owned by this machine; its verified history. */
@Command(name = "mesh", description = "Manage meshes.", subcommands = {MeshCommand.Create.class, MeshCommand.Log.class})
final class MeshCommand extends CommandGroup {

    @Command(name = "create", description = "Create a mesh on a coordinator; you become its owner.")
    static final class Create extends ReplyVerb {
        @Parameters(paramLabel = "NAME", description = "the name this mesh goes by on this machine and in invites") String name;
        @Option(names = "--coordinator", required = true, paramLabel = "URL", description = "ws(s):// or http(s):// URL") String coordinator;
        @Option(names = "--name", paramLabel = "DISPLAY", description = "your display name (default: host name)") String display;
        @Option(names = "--admin-token", paramLabel = "T", description = "coordinator admin token (default: $MESHWIRE_ADMIN_TOKEN)") String adminToken;

        @Override
        public Integer call() {
            // Validate before starting anything.
            String bad = Names.checkMeshName(name);
            if (bad != null) throw new PeerException(PeerException.BAD_REQUEST, bad);
            CoordinatorUrls.wsBase(coordinator);
            String token = adminToken != null ? adminToken : System.getenv("MESHWIRE_ADMIN_TOKEN");
            return reply(daemon().createMesh(new CreateMeshRequest(name, coordinator, display, token)), this::printCreated);
        }

        private void printCreated(CreateMeshReply r) {
            MeshInfo m = r.mesh();
            out().println("created mesh " + m.name() + " on " + m.coordinator()
                    + " (you are " + m.displayName() + ", owner, " + Render.shortKey(m.pubkey()) + ")");
            if (r.warning() != null) out().println("warning: " + r.warning());
            out().println("invite (1 use, expires in 24h):");
            out().println("  " + r.invite());
            out().println("on another machine: meshwire join <invite> --name <their-name>");
        }
    }

    /** {@code meshwire mesh log}: the verified event history of a mesh, oldest first (an audit trail). */
    @Command(name = "log", description = "Show the verified mesh-state history (who joined, left, was banned or revoked, by whom).")
    static final class Log extends ReplyVerb {
        @Mixin MeshOption mesh;

        @Override
        public Integer call() {
            return reply(daemonWithMeshes().meshLog(mesh.name), r -> out().print(Render.meshLog(r, style())));
        }
    }
}
